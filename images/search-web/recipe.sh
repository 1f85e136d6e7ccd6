# The sample application's web front end (examples/search-app, `node web.js`), the image of the local
# stack's web tier. The same files and packages as search-api (so the layers are shared), another command.
IMAGE=ghcr.io/example/search-web:1.0.0
PACKAGES=(nodejs)
USER=1000:1000
WORKDIR=/app
CMD=(node web.js)
ENV=(NODE_ENV=production)
EXPOSE=(8080/tcp)
INPUTS=(examples/search-app)

files() {
  mkdir -p "$1/app"
  cp "$REPO_ROOT"/examples/search-app/*.js "$REPO_ROOT/examples/search-app/package.json" "$1/app/"
}
