# Production image for the CMS (admin + REST + GraphQL). Used by docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# Dev dependencies stay: `npm run seed` (tsx) runs inside the container too.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# HOSTNAME: Docker sets it to the container id; the server listens on what it names.
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0 MEDIA_DIR=/app/media
EXPOSE 3000
CMD ["npm", "start"]
