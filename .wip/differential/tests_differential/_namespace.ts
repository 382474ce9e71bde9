/**
 * The throwaway world the differential test runs in: a user, mount, network
 * and PID namespace in which every file system of the machine is read-only
 * and the only writable places are fresh tmpfs (`/tmp`, `/home`, `/srv`,
 * `/var/tmp`, `/dev/shm`, `/root`). A generated line that escapes the
 * enforcer and the sandbox can then write nothing that outlives the run,
 * reach no network, and signal no process outside it.
 *
 * Two users inside: root, which sets the namespace up and builds the world
 * (mapped to the real root so it can read the Deno cache and the repository,
 * and held by the read-only mounts), and {@link LINE_UID}, which the harness
 * (caro, as a user runs it) and every generated line run as, mapped to an
 * unused outer uid so it owns nothing on the machine. The harness's own state
 * (`/srv/diff`) is that user's too: a line that wrote there would show in its
 * trace as a write outside the grants. `unshare -r` cannot map two users
 * without `newuidmap` (uidmap is not installed everywhere), so the parent
 * writes the maps (through perl) while the child waits on its stdin.
 *
 * @module
 */

/** The uid and gid every generated line runs as, inside the namespace. */
export const LINE_UID = 1000;
/** The outer uid {@link LINE_UID} is mapped to: no file on the machine belongs to it. */
const LINE_OUTER_UID = 100_000;

/** The fake home of the lines, full of decoy credentials. */
export const WORLD_HOME = "/home/dev";
/** A fresh tmpfs (0711) for the world's template and the harness's state. */
export const WORLD_STATE = "/srv";

/**
 * The set-up run as the namespace's root before the harness: every mount
 * read-only, then the tmpfs the world writes to, and a check that nothing
 * else is writable. It waits for the parent to write the uid/gid maps first.
 * `CARO_DIFF_KEEP` names folders (the Deno cache, an interpreter) that live
 * under a hidden folder (`/root`, `/home`) and are bound back, read-only.
 */
const SETUP = String.raw`
set -eu
read -r _go
[ "$(wc -l < /proc/self/uid_map)" -ge 2 ] || { echo "differential: uid map not written" >&2; exit 70; }
mount -n --make-rprivate /
# Keep what is bound back later on a tmpfs over the empty /srv (nothing is
# created on the machine itself).
mount -n -t tmpfs -o mode=0700 tmpfs /srv
i=0
for k in $CARO_DIFF_KEEP; do
  if [ -d "$k" ]; then mkdir -p "/srv/keep$i"; mount -n --rbind "$k" "/srv/keep$i"; fi
  i=$((i + 1))
done
# Every mount read-only (a bind remount per mount point), but the fresh /proc.
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do
  m=$(printf '%b' "$m")
  case "$m" in /proc|/proc/*) continue;; esac
  mount -n -o remount,bind,ro "$m" 2>/dev/null || { echo "differential: cannot make $m read-only" >&2; exit 70; }
done
mount -n -t tmpfs -o mode=0755 tmpfs /root
mount -n -t tmpfs -o mode=1777 tmpfs /tmp
mount -n -t tmpfs -o mode=0755 tmpfs /home
mount -n -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -n -t tmpfs -o mode=1777 tmpfs /dev/shm
i=0
for k in $CARO_DIFF_KEEP; do
  if [ -d "/srv/keep$i" ]; then mkdir -p "$k" 2>/dev/null || true; mount -n --move "/srv/keep$i" "$k"; fi
  i=$((i + 1))
done
umount -n /srv
mount -n -t tmpfs -o mode=0711 tmpfs /srv
# Nothing else may be writable (the last mount at a point is the one on top).
awk '{o[$5] = $6} END {for (m in o) if (o[m] ~ /(^|,)rw(,|$)/) print m}' /proc/self/mountinfo | while read -r m; do
  case "$m" in /proc|/proc/*|/tmp|/home|/srv|/var/tmp|/dev/shm|/root) ;;
    *) echo "differential: $m is still writable" >&2; exit 70;; esac
done
ip link set lo up 2>/dev/null || true
exec "$@"
`;

/** Options of {@link runInThrowawayNamespace}. */
export interface NamespaceOptions {
  /** The whole environment of the program (nothing is inherited). */
  env: Record<string, string>;
  /** The working folder to start in (it must exist outside). */
  cwd?: string;
  /** Folders under a hidden one (`/root`, `/home`) to bind back read-only (the Deno cache). */
  keep?: readonly string[];
  /** Text given to the program on its stdin. */
  stdin?: string;
  /** Each chunk of the program's stderr as it arrives (progress). */
  onStderr?: (chunk: string) => void;
}

/** What {@link runInThrowawayNamespace} returned. */
export interface NamespaceRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `argv` as root of a new user, mount, network and PID namespace set up
 * by {@link SETUP}. The program reads `options.stdin` on its stdin.
 *
 * @throws {Error} when `unshare` cannot create the namespaces (not root, no user namespaces)
 */
export async function runInThrowawayNamespace(
  argv: readonly string[],
  options: NamespaceOptions,
): Promise<NamespaceRun> {
  const child = new Deno.Command("unshare", {
    args: [
      "--user",
      "--mount",
      "--net",
      "--pid",
      "--ipc",
      "--uts",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "--",
      "bash",
      "-c",
      SETUP,
      "differential-setup",
      ...argv,
    ],
    env: { ...options.env, CARO_DIFF_KEEP: (options.keep ?? []).join(" ") },
    clearEnv: true,
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const stderr = (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      options.onStderr?.(chunk);
      text += chunk;
      if (text.length > 4_000_000) text = text.slice(-2_000_000);
    }
    return text;
  })();
  const writer = child.stdin.getWriter();
  try {
    await writeMaps(child.pid);
    // The set-up reads "go" byte by byte (bash on a pipe), the rest is the program's.
    await writer.write(new TextEncoder().encode(`go\n${options.stdin ?? ""}`));
  } finally {
    await writer.close().catch(() => {});
  }
  const [status, out, err] = await Promise.all([child.status, stdout, stderr]);
  return { code: status.code, stdout: out, stderr: err };
}

/**
 * Writes the uid and gid maps of the user namespace `pid` has just entered.
 * Perl does it (a dependency of the sandbox anyway): Deno asks for
 * `--allow-all` to read or write `/proc/PID/…`, and bash's printf may split
 * a map over two writes, of which the kernel takes only the first.
 */
async function writeMaps(pid: number): Promise<void> {
  const map = `0 0 1\n${LINE_UID} ${LINE_OUTER_UID} 1\n`;
  const script = String.raw`
my ($pid, $map) = @ARGV;
my $own = readlink("/proc/self/ns/user");
# unshare(1) enters the namespace right after it starts; wait for it.
for (1 .. 5000) {
  my $ns = readlink("/proc/$pid/ns/user") // die "differential: process $pid is gone
";
  last if $ns ne $own;
  select(undef, undef, undef, 0.002);
}
die "differential: $pid did not enter a user namespace
" if readlink("/proc/$pid/ns/user") eq $own;
for my $file ("uid_map", "gid_map") {
  open(my $f, ">", "/proc/$pid/$file") or die "differential: $file: $!
";
  # One write each: a map can be written once.
  syswrite($f, $map) == length($map) or die "differential: $file: $!
";
  close($f) or die "differential: $file: $!
";
}
`;
  const out = await new Deno.Command("perl", {
    args: ["-e", script, String(pid), map],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).trim());
}

/** Whether this machine can make the throwaway namespace (root, unshare, strace, bwrap). */
export async function canMakeThrowawayNamespace(): Promise<{ ok: boolean; why: string }> {
  if (Deno.build.os !== "linux") return { ok: false, why: "not Linux" };
  if (Deno.uid() !== 0) {
    return { ok: false, why: "the differential test runs as root (it maps two users)" };
  }
  for (const program of ["unshare", "strace", "setpriv", "bash", "perl"]) {
    const found = await new Deno.Command("bash", {
      args: ["-c", `command -v ${program}`],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!found.success) return { ok: false, why: `${program} is not installed` };
  }
  const probe = await runInThrowawayNamespace(["true"], { env: { PATH: "/usr/bin:/bin" } })
    .catch((error) => ({ code: -1, stdout: "", stderr: String(error) }));
  return probe.code === 0
    ? { ok: true, why: "" }
    : { ok: false, why: `cannot make the namespace: ${probe.stderr.trim()}` };
}
