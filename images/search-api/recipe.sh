# The sample application's API (examples/search-app, `node server.js`), the image of the local stack's
# api tier; its migrations Job runs `node migrate.js` in it. Node.js from Debian's packages.
IMAGE=ghcr.io/example/search-api:1.0.0
PACKAGES=(nodejs)
USER=1000:1000
WORKDIR=/app
CMD=(node server.js)
ENV=(NODE_ENV=production)
EXPOSE=(8080/tcp 8100/tcp)
INPUTS=(examples/search-app)

files() {
  mkdir -p "$1/app"
  cp "$REPO_ROOT"/examples/search-app/*.js "$REPO_ROOT/examples/search-app/package.json" "$1/app/"
}
