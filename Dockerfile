# The Siirto image: one image, every role of the production-shaped topology (docker-compose.yml):
#   siirto cluster --only temporal   the Temporal server on PostgreSQL (migrates the schema, registers the namespace
#                                    and Siirto's search attributes, from the same code as on a developer's machine)
#   siirto cluster --only ui         the Temporal UI server
#   siirto worker                    a worker (run several)
#   siirto server                    webhooks, and the payload codec on its own port
# No tenant is inside the image: tenants are YAML files in a mounted folder (SIIRTO_CONFIG_DIR=/tenants).

# The Temporal server, temporal-sql-tool (with its schema) and the UI server, built by the same installer and at the
# same versions as `npm test` uses (scripts/temporal-server.js): go install from the Go module proxy.
FROM golang:1.25-bookworm AS temporal-tools
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY package.json ./
COPY scripts/temporal-server.js scripts/
RUN node scripts/temporal-server.js

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The workflows bundled once at build time (webpack), so a worker starts without bundling and without webpack's
# memory in every worker process; `siirto worker` picks it up from SIIRTO_WORKFLOW_BUNDLE.
RUN npx tsc -p tsconfig.json \
 && node -e "require('./dist/client/cluster/bundle').writeWorkflowBundle('dist/workflows.bundle.js')" \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production SIIRTO_CONFIG_DIR=/tenants SIIRTO_DATA_DIR=/data SIIRTO_WORKFLOW_BUNDLE=/app/dist/workflows.bundle.js
# V8 heap settings for workers are set on the siirto-worker service (docker-compose.yml, NODE_OPTIONS), not here:
# the other roles run in the same image and need no cap.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
COPY deploy ./deploy
COPY --from=temporal-tools /app/tools ./tools
COPY --from=temporal-tools /app/.data/temporal-server.json ./.data/temporal-server.json
RUN mkdir -p /tenants /data && chown node:node /data
USER node
ENTRYPOINT ["node", "dist/client/cli.js"]
CMD ["--help"]
