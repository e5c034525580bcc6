import Table from 'cli-table3';
import pc from 'picocolors';
import { isLang, langFromEnvironment, t, type Lang } from './index';

/**
 * The CLI's language and terminal styling. `siirto --lang <fi|nb|en>` sets the language for the command (client/cli.ts);
 * without it the environment's locale decides (langFromEnvironment). Colours only on a terminal, never with NO_COLOR
 * (or TERM=dumb); FORCE_COLOR turns them on anyway. --json output is never localized nor coloured.
 */
let chosen: Lang | undefined;

export function setCliLang(lang: string | undefined): void {
  if (lang === undefined) return;
  if (!isLang(lang)) throw new Error(t(langFromEnvironment(), 'cli.error.lang', { lang }));
  chosen = lang;
}

export const cliLang = (): Lang => chosen ?? langFromEnvironment();

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export const colours = (enabled = colourEnabled()) => pc.createColors(enabled);

const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/**
 * A borderless table (cli-table3): columns two spaces apart, one line per row, so scripts reading it line by line
 * and `grep` keep working. Returns the lines: the header first, then one per row.
 */
export function tableLines(head: string[], rows: string[][], indent = ''): string[] {
  const table = new Table({ head, chars: PLAIN, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  for (const r of rows) table.push(r);
  return table
    .toString()
    .split('\n')
    .map((l) => `${indent}${l}`.trimEnd());
}
