// Whole-block snippets offered by completion where such a block belongs:
// each names the schema location (a path with `*` for any array index) whose
// items or properties it fills.
export interface BlockSnippet {
  /** Where the snippet is offered: inside the array at this path (items) or the object (properties). */
  at: string;
  label: string;
  detail: string;
  /** LSP snippet text of the JSON value (for arrays) or of `"key": value` (for objects). */
  body: string;
}

export const BLOCK_SNIPPETS: readonly BlockSnippet[] = [
  { at: 'mounts', label: 'bind mount', detail: 'Bind a host directory into the container', body: '{\n\t"destination": "${1:/data}",\n\t"type": "bind",\n\t"source": "${2:/srv/data}",\n\t"options": ["rbind", "${3|rw,ro|}"]\n}' },
  { at: 'mounts', label: 'tmpfs mount', detail: 'A memory-backed scratch directory', body: '{\n\t"destination": "${1:/tmp}",\n\t"type": "tmpfs",\n\t"source": "tmpfs",\n\t"options": ["nosuid", "nodev", "mode=1777", "size=${2:64m}"]\n}' },
  { at: 'linux.namespaces', label: 'network namespace', detail: 'A network namespace of its own (only loopback)', body: '{ "type": "network" }' },
  { at: 'linux.namespaces', label: 'join a namespace', detail: 'Join an existing namespace by path', body: '{ "type": "${1|network,ipc,uts,pid,mount,user,cgroup,time|}", "path": "/proc/${2:PID}/ns/${3:net}" }' },
  { at: 'linux.resources', label: 'memory limit', detail: 'Memory limit and reservation, in bytes', body: '"memory": {\n\t"limit": ${1:268435456},\n\t"reservation": ${2:134217728}\n}' },
  { at: 'linux.resources', label: 'pids limit', detail: 'Maximum number of processes and threads', body: '"pids": {\n\t"limit": ${1:1024}\n}' },
  { at: 'linux', label: 'seccomp profile', detail: 'Deny by default, allow a list of syscalls', body: '"seccomp": {\n\t"defaultAction": "${1|SCMP_ACT_ERRNO,SCMP_ACT_KILL_PROCESS,SCMP_ACT_LOG|}",\n\t"defaultErrnoRet": 1,\n\t"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],\n\t"syscalls": [\n\t\t{\n\t\t\t"names": [${2:"read", "write", "exit", "exit_group"}],\n\t\t\t"action": "SCMP_ACT_ALLOW"\n\t\t}\n\t]\n}' },
];

/** `['linux', 'namespaces', 3]` → `linux.namespaces.*` style keys, without the trailing index. */
export const pathKey = (path: readonly (string | number)[]): string => path.map((s) => (typeof s === 'number' ? '*' : s)).join('.');
