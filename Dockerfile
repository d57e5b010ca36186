# scalekit-mock as a container: REST, gRPC, OAuth, control API and web inbox on port 8787.
#   docker build -t scalekit-mock .
#   docker run --rm -p 127.0.0.1:8787:8787 scalekit-mock
# Configure with the same SCALEKIT_MOCK_* variables as the CLI (see the README); TLS and port 443
# for every Scalekit SDK: docs/sdks.md.

ARG NODE_VERSION=20

# Compile the TypeScript sources and bundle the CLI (dependencies included) into dist/cli.
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY mock-server ./mock-server
RUN npm run build

# The bundle needs no node_modules: the runtime image is Node, the bundle and the email templates.
FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    SCALEKIT_MOCK_HOST=0.0.0.0 \
    SCALEKIT_MOCK_PORT=8787 \
    SCALEKIT_MOCK_OPEN_CONTROL=true
WORKDIR /app
COPY --from=build /app/dist/cli ./dist/cli
COPY package.json README.md ./
COPY fixtures ./fixtures
# Where SCALEKIT_MOCK_TLS_CA_OUT can write the generated CA for other containers: a named volume
# mounted here starts out owned by the node user, as this directory is.
RUN mkdir /app/tls && chown node:node /app/tls
USER node
# Only 8787. A TLS-only port (SCALEKIT_MOCK_TLS_PORT, 443 for grpc-java) is published by whoever turns it on:
# podman reports every EXPOSEd port, and Testcontainers waits until each is published, so exposing 443
# here would stall every container started without it.
EXPOSE 8787
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SCALEKIT_MOCK_PORT||8787}/_mock/v1/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A small young generation keeps a long-running mock's memory low (about 20 % less RSS with a
# full inbox, same throughput; see docs/benchmarks.md).
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/cli/cli.js"]
