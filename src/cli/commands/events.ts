import type { Command } from 'commander';
import fs from 'node:fs';
import type { CliContext } from '../context.js';
import { collectFilter } from '../options.js';
import { parseSince } from './logs.js';

interface EventsFlags {
  since?: string;
  until?: string;
  filter: string[];
  format?: string;
}

const POLL_MS = 100;

/**
 * `berth events`: what berth processes recorded in the run root's event log, as docker's
 * `events`: past ones with --since (or up to --until), then new ones as they come until
 * --until or an interrupt.
 */
export function registerEvents(parent: Command, ctx: CliContext, name = 'events'): void {
  parent
    .command(name)
    .description('Get real time events from the server')
    .option('--since <time>', 'show all events created since timestamp (RFC 3339, unix seconds, or relative, e.g. 10m)')
    .option('--until <time>', 'stream events until this timestamp')
    .option('-f, --filter <filter>', 'filter output based on conditions provided', collectFilter, [])
    .option('--format <format>', 'format the output using the given Go template, or json')
    .action(async (f: EventsFlags) => {
      const { parseEventFilters, matchEvent, eventLine, eventTemplateData } = await import('../../core/events/event-format.js');
      const { parseLines } = await import('../../core/events/event-log.js');
      const { compileTemplate, goJson } = await import('../../core/format/index.js');
      const filters = parseEventFilters(f.filter);
      const now = Date.now();
      const since = f.since !== undefined ? BigInt(parseSince(f.since, now).getTime()) * 1_000_000n : undefined;
      const until = f.until !== undefined ? BigInt(parseSince(f.until, now, 'until').getTime()) * 1_000_000n : undefined;
      const render =
        f.format === undefined || f.format === ''
          ? eventLine
          : f.format === 'json' || f.format === '{{json .}}'
            ? (e: Parameters<typeof eventLine>[0]) => goJson(eventTemplateData(e))
            : (() => {
                const t = compileTemplate(f.format);
                return (e: Parameters<typeof eventLine>[0]) => t(eventTemplateData(e));
              })();
      const engine = await ctx.engine();
      const file = engine.events.file;
      const printText = (text: string, history: boolean) => {
        for (const e of parseLines(text)) print(e, history);
      };
      const print = (e: ReturnType<typeof parseLines>[number], history: boolean) => {
        const t = BigInt(e.timeNano);
        if (since !== undefined && t < since) return;
        // without --since only what happens from now on is shown (docker), unless --until asks for the past
        if (history && since === undefined && until === undefined) return;
        if (until !== undefined && t > until) return;
        if (matchEvent(e, filters)) ctx.stdout.write(`${render(e)}\n`);
      };
      const { EventCursor } = await import('../../core/events/event-log.js');
      const cursor = new EventCursor(file, true);
      const readNew = (history: boolean) => {
        for (const e of cursor.read()) print(e, history);
      };
      if (since !== undefined || until !== undefined) {
        try {
          printText(fs.readFileSync(`${file}.1`, 'utf8'), true);
        } catch {
          /* not rotated */
        }
      }
      readNew(true);
      if (until !== undefined && until <= BigInt(Date.now()) * 1_000_000n) return;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          readNew(false);
          if (until !== undefined && BigInt(Date.now()) * 1_000_000n >= until) {
            clearInterval(timer);
            resolve();
          }
        }, POLL_MS);
        const stop = () => {
          clearInterval(timer);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
