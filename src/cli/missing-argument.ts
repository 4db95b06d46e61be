import { Command } from 'commander';

/**
 * docker's CLI words for a command given too few arguments (cli/required.go), in place of
 * commander's "missing required argument 'x'":
 *
 *   "berth pause" requires at least 1 argument.
 *   See 'berth pause --help'.
 *
 *   Usage:  berth pause [options] <containers...>
 *
 *   Pause all processes within one or more containers
 */
export function missingArgumentMessage(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  const path = names.join(' ');
  const args = cmd.registeredArguments;
  const required = args.filter((a) => a.required).length;
  const exactly = args.every((a) => a.required && !a.variadic);
  const count = `${exactly ? 'exactly' : 'at least'} ${required} argument${required === 1 ? '' : 's'}`;
  const description = cmd.description();
  return `"${path}" requires ${count}.\nSee '${path} --help'.\n\nUsage:  ${path} ${cmd.usage()}${description ? `\n\n${description}` : ''}`;
}

/** Every command's missing-argument error in docker's words (exit status 1, as before). */
export function useDockerMissingArgument(): void {
  // commander's own hook for the error (a method its typings leave out)
  const proto = Command.prototype as unknown as { missingArgument: (this: Command, name: string) => void };
  proto.missingArgument = function (this: Command): void {
    this.error(missingArgumentMessage(this), { code: 'commander.missingArgument', exitCode: 1 });
  };
}
