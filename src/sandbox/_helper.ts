/**
 * The helper that runs first inside the sandbox, after bubblewrap has built
 * the mounts and before the command.
 *
 * In order, it remounts every writable mount no-exec (so nothing the command
 * writes can be executed or mapped executable: not through `ld.so FILE` nor
 * `LD_PRELOAD`, which Landlock does not see), refuses nested user namespaces,
 * unmounts its own interpreter, applies the Landlock execute rule, drops
 * every capability (bounding set included) and checks none is left, starts
 * the network bridge, and execs the command. Any failure stops it before the
 * command runs.
 *
 * It is Perl because the step needs syscalls bubblewrap does not make
 * (`landlock_*`, `mount`, `capset`) and a socket relay, without a native
 * binary of our own: `perl-base` is Essential on Debian and Ubuntu and present
 * on almost every Linux, and no module is loaded (`perl -e 1` costs ~1 ms;
 * loading `Socket` alone would cost ~9 ms). Landlock cannot be applied from
 * caro itself: a restricted process may not mount, so bubblewrap would fail
 * (measured: "Failed to make / slave: Operation not permitted").
 *
 * Protocol: `perl -e SCRIPT -- ABI PORT SOCKET MOUNT UMOUNT2 PRCTL CAPSET
 * EXEC_PATH… -- COMMAND…`. ABI 0 skips Landlock; PORT 0 skips the bridge;
 * MOUNT 0 (the syscall numbers) skips the no-exec step and the capability drop.
 *
 * @module
 */

/**
 * The devices a command gets, bound one by one on a tmpfs /dev. Not
 * bubblewrap's `--dev`: to mount a devpts it makes an unprivileged user's
 * sandbox a nested user namespace, which does not own the mounts, and the
 * helper could then not make them no-exec (measured: EPERM on every remount).
 */
export const DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

/** `/dev` links to the process's own descriptors. */
export const DEVICE_LINKS: Readonly<Record<string, string>> = {
  fd: "/proc/self/fd",
  stdin: "/proc/self/fd/0",
  stdout: "/proc/self/fd/1",
  stderr: "/proc/self/fd/2",
};

/** bubblewrap arguments that build /dev from {@link DEVICES} and {@link DEVICE_LINKS}. */
export function deviceArgs(): string[] {
  return [
    "--tmpfs",
    "/dev",
    ...DEVICES.flatMap((d) => ["--dev-bind", `/dev/${d}`, `/dev/${d}`]),
    ...Object.entries(DEVICE_LINKS).flatMap((
      [name, target],
    ) => ["--symlink", target, `/dev/${name}`]),
    "--dir",
    "/dev/shm",
  ];
}

/** Where the helper's interpreter is bound inside the sandbox (off PATH). */
export const HELPER_PERL = "/run/caro/perl";
/** Where the host's proxy socket is bound inside the sandbox. */
export const PROXY_SOCKET = "/run/caro/proxy.sock";
/** The loopback port the bridge listens on inside the sandbox's network namespace. */
export const BRIDGE_PORT = 3128;

// Numbers, not names: no module is loaded. Syscalls 444–446 are Landlock's on
// every architecture; AF_INET 2, AF_UNIX 1, SOCK_STREAM 1, SOL_SOCKET 1,
// SO_REUSEADDR 2, O_PATH|O_CLOEXEC 010000000|02000000, EINTR 4, ENOENT 2.
// The handled rights are LANDLOCK_ACCESS_FS_EXECUTE (1), held to the program
// list, and from ABI 2 LANDLOCK_ACCESS_FS_REFER (8192), granted beneath "/":
// Landlock denies every cross-folder link or rename (EXDEV) unless a rule grants
// REFER, even when the ruleset does not name it (git's object store and
// \`mv\` between granted folders need it; the mounts still hold the writes, and
// a file cannot be moved where it would gain the execute right). From ABI 6 the
// domain is also scoped (3): no abstract Unix sockets or signals to processes
// outside it.
const SCRIPT = String.raw`
my ($abi, $port, $sock, $mount, $umount, $prctl, $capset) = splice(@ARGV, 0, 7);
my @exec;
push @exec, shift @ARGV while @ARGV && $ARGV[0] ne '--';
shift @ARGV;
@ARGV or die "caro-sandbox: no command\n";
if ($mount) {
  open(my $mi, '<', '/proc/self/mountinfo') or die "caro-sandbox: mountinfo: $!\n";
  my @targets;
  while (my $line = <$mi>) {
    my @f = split / /, $line;
    my %o = map { $_ => 1 } split /,/, $f[5];
    next unless $o{rw} && !$o{noexec};
    (my $path = $f[4]) =~ s/\\([0-7]{3})/chr(oct($1))/ge;
    my $flags = 32 | 4096 | 8;
    $flags |= 2 if $o{nosuid};
    $flags |= 4 if $o{nodev};
    $flags |= 1024 if $o{noatime};
    $flags |= 2048 if $o{nodiratime};
    $flags |= 1 << 24 if $o{strictatime};
    push @targets, [$path, $flags];
  }
  close $mi;
  for my $t (@targets) {
    # EINVAL, ENOENT: covered by a later mount (no longer a mount point, or
    # gone from the path), so nothing can be reached through it.
    syscall($mount, 0, $t->[0], 0, $t->[1], 0) == 0 || $! + 0 == 22 || $! + 0 == 2
      or die "caro-sandbox: cannot make $t->[0] noexec: $!\n";
  }
  # What bwrap's --disable-userns does (which would leave the helper in a
  # nested namespace that cannot remount): no user namespace can be made in
  # this one, and without CAP_SYS_RESOURCE the limit cannot be raised again.
  my $max;
  open($max, '>', '/proc/sys/user/max_user_namespaces') && print($max "0\n") && close($max)
    or die "caro-sandbox: cannot refuse nested user namespaces: $!\n";
  # Before Landlock, which forbids unmounting: the command cannot run perl.
  my $self = "/run/caro/perl"; # a variable: syscall() may write to a string argument
  syscall($umount, $self, 2) == 0 or die "caro-sandbox: cannot hide the helper: $!\n";
}
if ($abi > 0) {
  my $handled = $abi >= 2 ? 1 | 8192 : 1;
  my $attr = $abi >= 6 ? pack("QQQ", $handled, 0, 3) : pack("Q", $handled);
  my $rs = syscall(444, $attr, length $attr, 0);
  die "caro-sandbox: landlock_create_ruleset: $!\n" if $rs < 0;
  if ($abi >= 2) {
    sysopen(my $root, "/", 010000000 | 02000000) or die "caro-sandbox: open /: $!\n";
    syscall(445, $rs, 1, pack("Ql", 8192, fileno $root), 0) == 0
      or die "caro-sandbox: landlock_add_rule /: $!\n";
    close $root;
  }
  for my $p (@exec) {
    sysopen(my $fh, $p, 010000000 | 02000000) or next;
    my $rule = pack("Ql", 1, fileno $fh);
    syscall(445, $rs, 1, $rule, 0) == 0
      or die "caro-sandbox: landlock_add_rule $p: $!\n";
    close $fh;
  }
  syscall(446, $rs, 0) == 0 or die "caro-sandbox: landlock_restrict_self: $!\n";
}
if ($mount) {
  syscall($prctl, 47, 4, 0, 0, 0) == 0 or die "caro-sandbox: ambient caps: $!\n";
  # CAP_SETPCAP (8), which dropping needs, goes last.
  for my $cap (0 .. 7, 9 .. 63, 8) { syscall($prctl, 24, $cap + 0, 0, 0, 0) }
  my ($header, $data) = (pack("LL", 0x20080522, 0), pack("L6", 0, 0, 0, 0, 0, 0));
  syscall($capset, $header, $data) == 0 or die "caro-sandbox: capset: $!\n";
  open(my $st, '<', '/proc/self/status') or die "caro-sandbox: status: $!\n";
  while (my $line = <$st>) {
    die "caro-sandbox: capabilities left: $line" if $line =~ /^Cap(Inh|Prm|Eff|Bnd|Amb):\s*0*[1-9a-f]/;
  }
  close $st;
}
if ($port) {
  socket(my $l, 2, 1, 0) or die "caro-sandbox: socket: $!\n";
  setsockopt($l, 1, 2, pack("i", 1));
  bind($l, pack("S n C4 x8", 2, $port, 127, 0, 0, 1)) or die "caro-sandbox: bind 127.0.0.1:$port: $!\n";
  listen($l, 128) or die "caro-sandbox: listen: $!\n";
  my $pid = fork();
  die "caro-sandbox: fork: $!\n" unless defined $pid;
  if ($pid == 0) { bridge($l, $sock); exit 0 }
  close $l;
}
exec { $ARGV[0] } @ARGV;
my $e = $! + 0;
print STDERR "caro-sandbox: $ARGV[0]: $!\n";
exit($e == 2 ? 127 : 126);

sub bridge {
  my ($l, $sock) = @_;
  open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
  $SIG{CHLD} = 'IGNORE';
  while (1) {
    my $c;
    unless (accept($c, $l)) { next if $! + 0 == 4; exit 1 }
    my $k = fork();
    if (!defined $k || $k) { close $c; next }
    close $l;
    socket(my $u, 1, 1, 0) or exit 1;
    connect($u, pack("S Z108", 1, $sock)) or exit 1;
    relay($c, $u);
    exit 0;
  }
}

sub relay {
  my ($a, $b) = @_;
  my %to = (fileno($a) => $b, fileno($b) => $a);
  my $rin = '';
  vec($rin, fileno($_), 1) = 1 for ($a, $b);
  my $open = 2;
  while ($open) {
    my $n = select(my $rout = $rin, undef, undef, undef);
    if ($n < 0) { next if $! + 0 == 4; return }
    for my $h ($a, $b) {
      next unless vec($rout, fileno($h), 1);
      my $got = sysread($h, my $buf, 65536);
      if (!$got) { shutdown($to{fileno $h}, 1); vec($rin, fileno($h), 1) = 0; $open--; next }
      my $off = 0;
      while ($off < $got) {
        my $w = syswrite($to{fileno $h}, $buf, $got - $off, $off);
        return unless $w;
        $off += $w;
      }
    }
  }
}
`;

/** Syscall numbers the no-exec step needs: mount, umount2, prctl, capset. */
const NOEXEC_SYSCALLS: Readonly<Record<string, readonly number[]>> = {
  x86_64: [165, 166, 157, 126],
  aarch64: [40, 39, 167, 91],
};

/**
 * Whether the helper can make the writable mounts no-exec on this
 * architecture. bubblewrap must then give it CAP_SYS_ADMIN, CAP_SETPCAP and
 * CAP_SYS_RESOURCE (in the sandbox's own user namespace), which it drops,
 * bounding set included, and checks gone before the command starts. It also
 * sets the sandbox's `user.max_user_namespaces` to 0 (bubblewrap's
 * `--disable-userns` cannot be used with it: it moves the command into a
 * nested user namespace, where remounting is not permitted).
 */
export function canMakeNoexec(): boolean {
  return Deno.build.arch in NOEXEC_SYSCALLS;
}

/** The capabilities bubblewrap keeps for the helper's no-exec step (all dropped before the command). */
export const NOEXEC_CAPS = [
  "--cap-add",
  "CAP_SYS_ADMIN",
  "--cap-add",
  "CAP_SETPCAP",
  "--cap-add",
  "CAP_SYS_RESOURCE",
];

/** Options of {@link helperArgv}. */
export interface HelperOptions {
  /** The Landlock ABI to use, 0 for none. */
  landlockAbi: number;
  /** Whether to start the bridge to the proxy socket. */
  bridge: boolean;
  /** Files and folders whose programs may be executed (Landlock path-beneath rules). */
  executable: readonly string[];
  /** Remount every writable mount no-exec, then drop all capabilities. */
  noexec: boolean;
}

/** The argv of the helper, up to and including the `--` before the command. */
export function helperArgv(options: HelperOptions): string[] {
  return [
    HELPER_PERL,
    "-e",
    SCRIPT,
    "--",
    String(options.landlockAbi),
    String(options.bridge ? BRIDGE_PORT : 0),
    PROXY_SOCKET,
    ...(options.noexec && canMakeNoexec()
      ? NOEXEC_SYSCALLS[Deno.build.arch].map(String)
      : ["0", "0", "0", "0"]),
    ...options.executable,
    "--",
  ];
}
