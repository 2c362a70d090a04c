# Switchboard on Next's production server. Build: docker build -t switchboard .
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY lib/db/pglite-adapter.ts ./lib/db/pglite-adapter.ts
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000 SWITCHBOARD_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system switchboard && useradd --system --gid switchboard --home /app switchboard \
  && mkdir -p /data && chown switchboard:switchboard /data
COPY --from=build --chown=switchboard:switchboard /app /app
USER switchboard
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "node_modules/tsx/dist/cli.mjs", "scripts/start.ts"]
