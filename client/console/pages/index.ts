import type { FastifyPluginAsync } from 'fastify';
import type { ConsoleMessageKey } from '../../../i18n/console-messages';
import type { ConsoleDeps } from '../context';
import { migrationsPage } from './migrations';
import { onboardingPage } from './onboarding';
import { tenantsPage } from './tenants';
import { transfersPage } from './transfers';

/**
 * A page of the console: a Fastify plugin that registers its routes (under its own path) and the nav entry that
 * leads to it. Pages render with layout.ts's sendPage/sendFragment and read the viewer from req.viewer.
 */
export interface ConsolePage {
  id: string;
  /** Where the nav links to. */
  path: string;
  label: ConsoleMessageKey;
  plugin: FastifyPluginAsync<ConsoleDeps>;
}

/** In nav order; the first is the home page. */
export const CONSOLE_PAGES: ConsolePage[] = [transfersPage, onboardingPage, migrationsPage, tenantsPage];
