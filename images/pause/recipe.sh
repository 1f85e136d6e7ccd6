# The pod sandbox image containerd starts for every pod (its CRI sandbox_image): one static program.
IMAGE=registry.k8s.io/pause:3.10
FROM_SCRATCH=1
USER=65535:65535
ENTRYPOINT=(/pause)
INPUTS=(images/pause)

files() {
  gcc -static -Os -s -Wall -Werror -o "$1/pause" "$RECIPE_DIR/pause.c"
}
