/**
 * What counts as a credential when a skill lacks `secrets_access` (SPEC §6,
 * issue 12): files under the home, files under `/etc`, and environment
 * variables. Each row says why, so a reader can judge an addition or a removal.
 *
 * @module
 */

/** A credential path relative to the user's home, and why it must stay out of reach. */
export interface HomeCredential {
  /** Path below the home, without a leading `/`. */
  readonly path: string;
  /** What it holds. */
  readonly why: string;
}

/** Credential files and folders under the home, masked even inside a granted folder. */
export const HOME_CREDENTIALS: readonly HomeCredential[] = [
  { path: ".ssh", why: "SSH private keys, known hosts and agent sockets" },
  { path: ".gnupg", why: "OpenPGP private keys and the agent socket" },
  { path: ".aws/credentials", why: "AWS access keys" },
  { path: ".aws/sso/cache", why: "AWS SSO session tokens" },
  { path: ".aws/cli/cache", why: "AWS CLI cached session credentials" },
  { path: ".config/gcloud", why: "Google Cloud credentials and access tokens" },
  { path: ".azure", why: "Azure CLI tokens" },
  { path: ".kube/config", why: "Kubernetes cluster credentials and exec plugins" },
  { path: ".netrc", why: "passwords for FTP, HTTP and git hosts" },
  { path: ".git-credentials", why: "git credential store passwords" },
  { path: ".config/git/credentials", why: "git credential store passwords (XDG)" },
  { path: ".docker/config.json", why: "registry passwords and credential helpers" },
  { path: ".config/gh/hosts.yml", why: "GitHub CLI tokens" },
  { path: ".npmrc", why: "npm registry tokens" },
  { path: ".pypirc", why: "PyPI upload passwords" },
  { path: ".cargo/credentials.toml", why: "crates.io tokens" },
  { path: ".cargo/credentials", why: "crates.io tokens (old name)" },
  { path: ".terraform.d/credentials.tfrc.json", why: "Terraform Cloud tokens" },
  { path: ".vault-token", why: "a HashiCorp Vault token" },
  { path: ".pgpass", why: "PostgreSQL passwords" },
  { path: ".my.cnf", why: "MySQL passwords" },
  { path: ".password-store", why: "pass(1) encrypted passwords" },
  { path: ".local/share/keyrings", why: "GNOME keyrings" },
  { path: ".config/op", why: "1Password CLI sessions" },
];

/** Files and folders under `/etc` that hold secrets; masked in every sandbox. */
export const ETC_SECRETS: readonly HomeCredential[] = [
  { path: "shadow", why: "password hashes" },
  { path: "shadow-", why: "the backup of the password hashes" },
  { path: "gshadow", why: "group password hashes" },
  { path: "gshadow-", why: "the backup of the group password hashes" },
  { path: "security/opasswd", why: "old password hashes" },
  { path: "ssl/private", why: "TLS private keys" },
  { path: "krb5.keytab", why: "Kerberos host keys" },
  { path: "ipsec.secrets", why: "IPsec keys" },
  { path: "ppp/chap-secrets", why: "PPP passwords" },
  { path: "ppp/pap-secrets", why: "PPP passwords" },
  { path: "wireguard", why: "WireGuard private keys" },
  { path: "NetworkManager/system-connections", why: "Wi-Fi and VPN passwords" },
  { path: "sudoers", why: "who may become root, and how" },
  { path: "sudoers.d", why: "who may become root, and how" },
];

/** `/etc/ssh/ssh_host_*_key`: the host's SSH private keys (the `.pub` files stay). */
export const SSH_HOST_KEY = /^ssh_host_.*_key$/;

/**
 * Variable names that hold credentials. A name matching one is dropped without
 * `secrets_access` even when `env_read` grants it (`AWS_*` grants
 * `AWS_REGION`, not `AWS_SECRET_ACCESS_KEY`).
 */
export const SECRET_NAME_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/TOKEN/, "named like a token"],
  [/SECRET/, "named like a secret"],
  [/PASSW(OR)?D|PASSPHRASE|(^|_)PASS($|_)/, "named like a password"],
  [/(^|_)(API_?|ACCESS_|PRIVATE_|SIGNING_|ENCRYPTION_|MASTER_)?KEY($|_)/, "named like a key"],
  [/APIKEY|(^|_)AUTH($|_)|AUTHORIZATION|CREDENTIAL|COOKIE/, "named like a credential"],
  [/^AWS_(ACCESS_KEY_ID|CONTAINER_|WEB_IDENTITY_|SHARED_CREDENTIALS_FILE)/, "an AWS credential"],
  [/^(SSH_AUTH_SOCK|GPG_AGENT_INFO|SSH_AGENT_PID)$/, "a key agent"],
  [/^(GOOGLE_APPLICATION_CREDENTIALS|KUBECONFIG|DOCKER_CONFIG|NETRC)$/, "names a credential file"],
];

/**
 * Why a variable must be withheld from a skill without `secrets_access`, or
 * null: its name is a credential's, or its value carries one (a URL with a
 * password, a PEM private key).
 */
export function secretVariableReason(name: string, value: string): string | null {
  const upper = name.toUpperCase();
  for (const [rule, why] of SECRET_NAME_RULES) if (rule.test(upper)) return why;
  if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]*@/i.test(value)) {
    return "its value is a URL with a password";
  }
  if (value.includes("-----BEGIN") && value.includes("PRIVATE KEY")) {
    return "its value is a private key";
  }
  return null;
}
