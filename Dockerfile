# The platform image: ingestion (REST, socket.io, dashboard, MQTT consumer) and the gateway CLI
# (the compose stack's simulated home). Three stages: `build` compiles with every dependency,
# `runtime-deps` installs production dependencies only, the final image copies compiled output
# (each package's dist/, the dashboard build, the migrations) and those node_modules, nothing else.
# The base is pinned to the Node release the platform is tested with.
FROM node:20.20.2-bookworm-slim AS base
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY apps/ingestion/package.json apps/ingestion/
COPY apps/gateway/package.json apps/gateway/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/e2e/package.json apps/e2e/
COPY libs/contracts/package.json libs/contracts/
COPY libs/ieee11073/package.json libs/ieee11073/
COPY libs/rules/package.json libs/rules/
COPY libs/ble/package.json libs/ble/
COPY devices/blood-pressure/package.json devices/blood-pressure/
COPY devices/pulse-oximeter/package.json devices/pulse-oximeter/
COPY devices/weight-scale/package.json devices/weight-scale/
COPY devices/spirometer/package.json devices/spirometer/

FROM base AS build
# install scripts run as package.json's allowScripts says (swc, nx, ...); the BLE bindings may fail
# to build here (optional, no Bluetooth in a container) without failing the install
RUN npm ci
COPY . .
# The services run compiled JavaScript (each package's dist/); the dashboard is served from its build.
RUN npm run build && npm run build -w @tm/dashboard

FROM base AS runtime-deps
# Production dependencies only. No install script is needed at run time: the platform has no
# Bluetooth (a real gateway is installed on its home box with `npm ci`, where allowScripts applies).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/.swcrc ./
COPY --from=build /app/scripts/build.cjs ./scripts/build.cjs
COPY --from=build /app/apps/ingestion/package.json ./apps/ingestion/package.json
COPY --from=build /app/apps/ingestion/dist ./apps/ingestion/dist
COPY --from=build /app/apps/ingestion/migrations ./apps/ingestion/migrations
COPY --from=build /app/apps/dashboard/dist ./apps/dashboard/dist
COPY --from=build /app/apps/gateway/package.json ./apps/gateway/package.json
COPY --from=build /app/apps/gateway/bin ./apps/gateway/bin
COPY --from=build /app/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /app/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /app/libs/ieee11073/dist ./libs/ieee11073/dist
COPY --from=build /app/libs/rules/dist ./libs/rules/dist
COPY --from=build /app/libs/ble/dist ./libs/ble/dist
COPY --from=build /app/devices/blood-pressure/dist ./devices/blood-pressure/dist
COPY --from=build /app/devices/pulse-oximeter/dist ./devices/pulse-oximeter/dist
COPY --from=build /app/devices/weight-scale/dist ./devices/weight-scale/dist
COPY --from=build /app/devices/spirometer/dist ./devices/spirometer/dist
# the embedded database's files (when DATABASE_URL is unset) live under DATA_DIR
RUN mkdir -p /data && chown node:node /data
ENV DATA_DIR=/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# No compiler hook at run time. The gateway CLI (apps/gateway/bin/tm-gateway.js) runs its dist/ too.
CMD ["node", "apps/ingestion/dist/main.js"]
