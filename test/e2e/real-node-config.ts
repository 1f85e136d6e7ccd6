/**
 * The configuration files of the real node (see real-node.ts), as pure functions of its layout: containerd's
 * config.toml, the CNI network, the kubelet's and kube-proxy's configuration and CoreDNS's Corefile.
 */
import * as path from "node:path";

/** Where everything of one real node lives and how its network is laid out. */
export interface NodeLayout {
  /** Runtime state (sockets, kubelet root, logs, volumes); removed by cleanup. */
  stateDir: string;
  /** containerd's root (content store, snapshots): kept between runs so imported images stay. */
  containerdRoot: string;
  /** The Node object's name. */
  nodeName: string;
  /** The bridge the pods' veths join; the host's address on it is the node's IP. */
  bridge: string;
  /** The pod network, e.g. 10.244.0.0/24: the bridge gets its first address, pods the rest. */
  podCidr: string;
  /** The control plane's Service network (kube-apiserver --service-cluster-ip-range). */
  serviceCidr: string;
  /** The sandbox image containerd starts for every pod. */
  sandboxImage: string;
  /** Directory of the CNI plugins (Debian: /usr/lib/cni). */
  cniBinDir: string;
}

/** The layout's derived paths. */
export function nodePaths(l: NodeLayout) {
  const s = l.stateDir;
  return {
    containerdConfig: path.join(s, "containerd", "config.toml"),
    containerdState: path.join(s, "containerd", "state"),
    containerdSocket: path.join(s, "containerd", "containerd.sock"),
    cniConfDir: path.join(s, "cni", "net.d"),
    cniIpamDir: path.join(s, "cni", "ipam"),
    kubeletRoot: path.join(s, "kubelet"),
    kubeletConfig: path.join(s, "kubelet-config.yaml"),
    kubeProxyConfig: path.join(s, "kube-proxy-config.yaml"),
    corefile: path.join(s, "Corefile"),
    volumes: path.join(s, "volumes"),
    logs: path.join(s, "logs"),
    pids: path.join(s, "pids"),
    owner: path.join(s, "owner"),
    kubeconfig: path.join(s, "kubeconfig"),
  };
}

/** `10.244.0.0/24` → `10.244.0.1`: the bridge's (the node's) address. */
export function gatewayOf(cidr: string): string {
  const [ip] = cidr.split("/");
  const parts = ip.split(".").map(Number);
  parts[3] += 1;
  return parts.join(".");
}

export function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/**
 * containerd 1.6: the CRI plugin with runc under cgroupfs, overlayfs, our CNI network and sandbox image.
 * `restrict_oom_score_adj`: without CAP_SYS_RESOURCE (this VM's root) runc cannot lower oom_score_adj
 * and every sandbox fails with "can't get final child's PID from pipe: EOF".
 */
export function containerdConfig(l: NodeLayout): string {
  const p = nodePaths(l);
  return `version = 2
root = ${JSON.stringify(l.containerdRoot)}
state = ${JSON.stringify(p.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(p.containerdSocket)}

[ttrpc]
  address = ${JSON.stringify(`${p.containerdSocket}.ttrpc`)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(path.join(l.stateDir, "containerd", "opt"))}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(l.sandboxImage)}
  restrict_oom_score_adj = true
  enable_selinux = false
  disable_apparmor = true
  max_container_log_line_size = 65536

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = false

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = ${JSON.stringify(l.cniBinDir)}
  conf_dir = ${JSON.stringify(p.cniConfDir)}
  max_conf_num = 1
`;
}

/** The pod network: a bridge with the host as gateway, host-local addresses, no masquerade (nothing leaves). */
export function cniConfig(l: NodeLayout): string {
  const p = nodePaths(l);
  return JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "real-node",
      plugins: [
        {
          type: "bridge",
          bridge: l.bridge,
          isGateway: true,
          ipMasq: false,
          // A pod reaching itself through its own Service: the bridge must send the packet back out its port.
          hairpinMode: true,
          ipam: {
            type: "host-local",
            dataDir: p.cniIpamDir,
            ranges: [[{ subnet: l.podCidr, gateway: gatewayOf(l.podCidr) }]],
            routes: [{ dst: "0.0.0.0/0" }],
          },
        },
      ],
    },
    null,
    2,
  );
}

/** The kubelet: cgroupfs, CRI on our containerd, CoreDNS on the node's address, no image GC of imported images. */
export function kubeletConfig(l: NodeLayout, kubeletPort: number): string {
  const p = nodePaths(l);
  const nodeIp = gatewayOf(l.podCidr);
  return JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      address: nodeIp,
      port: kubeletPort,
      readOnlyPort: 0,
      healthzPort: 0,
      containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
      cgroupDriver: "cgroupfs",
      // The API server reaches the kubelet (logs, exec) without a client certificate here: only on the bridge.
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false }, x509: {} },
      authorization: { mode: "AlwaysAllow" },
      clusterDNS: [nodeIp],
      clusterDomain: "cluster.local",
      // No host resolv.conf in pods: CoreDNS answers cluster names and nothing else (no traffic out).
      resolvConf: "",
      failSwapOn: false,
      // The images are imported, never pulled: the kubelet must not garbage-collect them.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "nodefs.inodesFree": "1%", "imagefs.available": "1%" },
      maxPods: 30,
      serializeImagePulls: false,
      runtimeRequestTimeout: "10m",
      // Quicker pod status for tests (defaults: 10 s sync, 20 s node status).
      syncFrequency: "5s",
      nodeStatusUpdateFrequency: "5s",
      fileCheckFrequency: "5s",
      shutdownGracePeriod: "0s",
      protectKernelDefaults: false,
      registerNode: true,
    },
    null,
    2,
  );
}

/** kube-proxy in iptables mode; leaves the host's conntrack sysctls and localhost NodePorts alone. */
export function kubeProxyConfig(l: NodeLayout, kubeconfigPath: string): string {
  return JSON.stringify(
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      mode: "iptables",
      clientConnection: { kubeconfig: kubeconfigPath },
      hostnameOverride: l.nodeName,
      bindAddress: gatewayOf(l.podCidr),
      clusterCIDR: l.podCidr,
      detectLocalMode: "ClusterCIDR",
      healthzBindAddress: "",
      metricsBindAddress: "",
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      iptables: { localhostNodePorts: false, masqueradeAll: false, syncPeriod: "30s", minSyncPeriod: "0s" },
      nodePortAddresses: [`${gatewayOf(l.podCidr)}/32`],
    },
    null,
    2,
  );
}

/** CoreDNS on the node's address: cluster.local (and reverse lookups) from the API server, nothing forwarded. */
export function corefile(l: NodeLayout, kubeconfigPath: string): string {
  return `.:53 {
    bind ${gatewayOf(l.podCidr)}
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfigPath}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
}
`;
}
