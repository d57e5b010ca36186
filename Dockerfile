# scalekit-mock as a container: REST, gRPC, OAuth, control API and web inbox on port 8787.
#   docker build -t scalekit-mock .
#   docker run --rm -p 8787:8787 scalekit-mock
# Configure with the same SCALEKIT_MOCK_* variables as the CLI (see the README).

ARG NODE_VERSION=20

# Production dependencies only, straight from the lockfile.
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Compile the TypeScript sources.
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY mock-server ./mock-server
COPY contracts ./contracts
COPY suites ./suites
RUN npx tsc -p tsconfig.build.json

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    SCALEKIT_MOCK_HOST=0.0.0.0 \
    SCALEKIT_MOCK_PORT=8787 \
    SCALEKIT_MOCK_OPEN_CONTROL=true
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/mock-server ./dist/mock-server
COPY --from=build /app/dist/contracts ./dist/contracts
COPY package.json README.md ./
COPY fixtures ./fixtures
USER node
EXPOSE 8787
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SCALEKIT_MOCK_PORT||8787}/_mock/v1/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A small young generation keeps a long-running mock's memory low (about 20 % less RSS with a
# full inbox, same throughput; see docs/benchmarks.md).
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/mock-server/src/cli.js"]
