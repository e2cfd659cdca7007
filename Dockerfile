# The API, the worker and the sandbox share one image; docker-compose.yml picks the command.
#
# Two stages: the build stage has the dev dependencies (TypeScript) and runs `npm run build`, which
# compiles src/ to dist/, writes the workflow bundle (dist/workflow-bundle.js) and compiles the sandbox
# package (packages/trusthub-sandbox, an npm workspace) to its own dist/. The runtime stage has the
# production dependencies and the compiled code only: the processes start as plain `node …/dist/…`,
# with no TypeScript loader, and the worker loads the prebuilt bundle instead of bundling at start.
# The sandbox package's manifest (and its bin, which npm links) goes in before `npm ci`: the lock file
# names it as a workspace.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/trusthub-sandbox/package.json ./packages/trusthub-sandbox/
COPY packages/trusthub-sandbox/bin ./packages/trusthub-sandbox/bin
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY packages/trusthub-sandbox/tsconfig.build.json ./packages/trusthub-sandbox/
COPY packages/trusthub-sandbox/src ./packages/trusthub-sandbox/src
RUN npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc's malloc gives each of the worker's native threads (the SDK core's) an arena of its own; their
# fragments were 110-180 MB of a worker's RSS with 1,000 onboardings parked (docs/scaling.md).
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
COPY packages/trusthub-sandbox/package.json ./packages/trusthub-sandbox/
COPY packages/trusthub-sandbox/bin ./packages/trusthub-sandbox/bin
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages/trusthub-sandbox/dist ./packages/trusthub-sandbox/dist
# The CLI (README, "Bulk import"): docker compose exec api npx trusthub-onboarding status
COPY bin ./bin
# Docker creates a named volume with the ownership of the directory it is mounted on: the sandbox's
# state volume (docker-compose.yml) must find /data writable by the user the processes run as.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 4010
CMD ["node", "dist/api/server.js"]
