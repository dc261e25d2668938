# The platform image: ingestion (REST, socket.io, dashboard, MQTT consumer) and the gateway CLI.
FROM node:20-bookworm-slim AS build
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
RUN npm ci
COPY . .
# The services run compiled JavaScript (each package's dist/); the dashboard is served from its build.
RUN npm run build && npm run build -w @tm/dashboard

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# No compiler hook at run time. The gateway CLI (apps/gateway/bin/tm-gateway.js) runs its dist/ too.
CMD ["node", "apps/ingestion/dist/main.js"]
