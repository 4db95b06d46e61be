/** The build service: Containerfile parsing and the step executor over containers and layers. */
export { buildImage } from './build-image.js';
export { openBuildContext, type BuildContext, type ContextSource } from './build-context.js';
export type { BuildEvent, BuildOptions, BuildResult } from './build-options.js';
export { ContainerfileSyntaxError } from './containerfile-syntax-error.js';
export { parseContainerfile } from './parser.js';
export type { Containerfile, Instruction, CommandForm, Heredoc } from './instructions.js';
export { BuildCancelledError } from './run-step.js';
