import type { ConsolePage } from '.';
import { html } from '../html';
import { t } from '../i18n';
import { sendPage } from '../layout';

/** Placeholder until helper "i18n" writes the Onboarding page (this file is theirs). */
export const onboardingPage: ConsolePage = {
  id: 'onboarding',
  path: '/onboarding',
  label: 'console.nav.onboarding',
  plugin: async (app) => {
    app.get('/onboarding', (req, reply) => sendPage(req, reply, { title: t(req.viewer.lang, 'console.nav.onboarding'), active: 'onboarding', body: html`<h1>${t(req.viewer.lang, 'console.nav.onboarding')}</h1>` }));
  },
};
