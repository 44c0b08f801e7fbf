// Package deploy holds no code: its tests check the container deployment
// files at the repository root, docker-compose.yml and Dockerfile, with
// "docker compose config" when the Docker CLI has the compose plugin, and
// always structurally (services, healthcheck, start order, ports bound to
// 127.0.0.1), so that they are checked on machines without Docker too.
package deploy
