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

/** The `siirto` command. Each subcommand lives in client/commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('siirto')
    .description('Siirto: durable, exactly-once transfers between Nordic ERP, accounting and webshop systems')
    .showHelpAfterError();
  registerStackCommand(program);
  registerClusterCommand(program);
  registerSandboxCommand(program);
  registerMigrateCommand(program);
  registerWorkerCommand(program);
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
      process.stderr.write(`siirto: ${err.message}\n`);
      process.exit(1);
    });
}
