#!/usr/bin/env node
import { Command } from 'commander';
import { registerClusterCommand } from './commands/cluster';
import { registerOrdersCommand } from './commands/orders';
import { registerExportCommand } from './commands/export';
import { registerHistoryCommands } from './commands/history';
import { registerSandboxCommand } from './commands/sandbox';
import { registerMigrateCommand } from './commands/migrate';
import { registerOnboardCommand } from './commands/onboard';
import { registerServerCommand } from './commands/server';
import { registerStackCommand } from './commands/stack';
import { registerWorkerCommand } from './commands/worker';
import { cliLang, setCliLang } from '../i18n/cli';
import { t } from '../i18n';
import { localizeText } from '../i18n/reasons';
import { registerReloadCommand } from './commands/reload';

/** The `siirto` command. Each subcommand lives in client/commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('siirto')
    .description('Siirto: durable, exactly-once transfers between Nordic ERP, accounting and webshop systems')
    .showHelpAfterError()
    // Global: `siirto --lang fi history …` or `siirto history --lang fi …`; the locale (LANG, LC_*) otherwise.
    .option('--lang <lang>', t(cliLang(), 'cli.option.lang'));
  program.hook('preAction', (root) => setCliLang((root.opts() as { lang?: string }).lang));
  registerStackCommand(program);
  registerClusterCommand(program);
  registerSandboxCommand(program);
  registerMigrateCommand(program);
  registerWorkerCommand(program);
  registerReloadCommand(program);
  registerServerCommand(program);
  registerHistoryCommands(program);
  registerOrdersCommand(program);
  registerExportCommand(program);
  registerOnboardCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: Error) => {
      process.stderr.write(`${t(cliLang(), 'cli.error', { message: localizeText(cliLang(), err.message) })}\n`);
      process.exit(1);
    });
}
