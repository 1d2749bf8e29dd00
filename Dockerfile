# Chaser in a container: compiled once in a build stage, run as an unprivileged user with only
# what it needs at run time. tests/deploy.test.ts assembles the same runtime layout from the COPY
# lines below and runs this file's CMD and HEALTHCHECK against it.
#   docker build -t chaser .
#   docker run -p 3978:3978 -v chaser-data:/data chaser      # SQLite in the volume, the playground on :3978

FROM node:20-bookworm-slim AS build
WORKDIR /app
# No toolchain: every native part (libSQL, resvg, esbuild) installs ready-built from the npm registry.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATABASE_URL=file:/data/chaser.db \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY locales ./locales
COPY cards ./cards
COPY sample ./sample
COPY prisma/migrations ./prisma/migrations
COPY scripts/healthcheck.js ./scripts/healthcheck.js
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.js", "/healthz"]
CMD ["node", "dist/main.js"]
