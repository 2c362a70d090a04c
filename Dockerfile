# Switchboard on Next's standalone output. Build: docker build -t switchboard .
# Run:  docker run -p 3000:3000 -e OPENROUTER_API_KEY=… -v switchboard-data:/data switchboard
# Several instances: see compose.yaml (PostgreSQL and Redis) and docs/operations.md.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Dependencies first, so a source change does not reinstall them (postinstall runs prisma generate).
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY lib/db/pglite-adapter.ts ./lib/db/pglite-adapter.ts
RUN npm install --no-audit --no-fund
COPY . .
RUN SB_STANDALONE=1 npx next build

# The runtime image: the standalone server and what it reads from disk, nothing else.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0 SWITCHBOARD_DATA_DIR=/data NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
RUN groupadd --system switchboard && useradd --system --gid switchboard --home /app switchboard \
  && mkdir -p /data && chown switchboard:switchboard /data
COPY --from=build --chown=switchboard:switchboard /app/.next/standalone ./
COPY --from=build --chown=switchboard:switchboard /app/.next/static ./.next/static
COPY --from=build --chown=switchboard:switchboard /app/public ./public
# Migrations are applied by the server at start (under an advisory lock on PostgreSQL).
COPY --from=build --chown=switchboard:switchboard /app/prisma/migrations ./prisma/migrations
USER switchboard
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "server.js"]
