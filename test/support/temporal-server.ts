export { freePort, startDevServer, type DevServer } from '../../client/dev-server';
