# The API, the worker and the sandbox share one image; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# Docker creates a named volume with the ownership of the directory it is mounted on: the sandbox's
# state volume (docker-compose.yml) must find /data writable by the user the processes run as.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 4010
CMD ["node", "--import", "tsx", "src/api/server.ts"]
