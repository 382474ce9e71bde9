/**
 * Everyday lines: what a skill with each policy runs on a normal day, inside
 * its grants (reading the project, writing `./out` — and `/tmp` for the git
 * policy —, `AWS_REGION`/`KUBECONFIG` and `*.amazonaws.com` for the cloud
 * one). The benign test asks the enforcer about them and wants ≤ 2 %
 * refused; the differential generator mixes them with the attacks.
 *
 * The names they use exist in the project the differential test builds
 * (`_world.ts`): `README.md`, `a.txt`, `data.csv`, `src/*.ts`, `docs/`,
 * `k8s/`, `a.tar`, `out/existing.txt`, a git history of three commits.
 *
 * @module
 */
import type { PolicyKey } from "./_policies.ts";
import { Rng } from "./_rng.ts";

type Template = (r: Rng) => string;

const TEXT = ["README.md", "notes.md", "a.txt", "b.txt", "docs/guide.md", "docs/api.md"];
const CODE = ["src/main.ts", "src/lib.ts", "src/util/strings.ts", "src/util/strings_test.ts"];
const DATA = ["data.csv", "list.txt", "nums.txt"];
const ANY = [...TEXT, ...CODE, ...DATA];
const WORDS = ["TODO", "FIXME", "import", "export", "error", "title", "config", "return"];
const OUT = ["out/report.txt", "out/list.txt", "out/result.csv", "out/notes.txt", "out/x.txt"];
const N = ["1", "2", "3", "5", "10", "20"];
const GLOB = ["'*.md'", "'*.ts'", "'*.csv'", "'*_test.ts'", "'*.txt'"];
const DIRS = ["src", "docs", "src/util", "."];
/** Quoted values that hold `$(`, a backquote or `\'` (issue 12: refused as "shell code"). */
const QUOTED = ["'$(x)'", "'a`b'", String.raw`"\'q"`, "'${y}'"];

const FILES: Template[] = [
  (r) => `ls ${r.pick(["", "-la ", "-1 ", "-lh ", "-R ", "-t "])}${r.pick(DIRS)}`,
  (r) => `ls ${r.pick(["*.md", "src/*.ts", "docs", "out"])} | wc -l`,
  (r) => `ls -t ${r.pick(DIRS)} | head -${r.pick(N)}`,
  (r) => `cat ${r.pick(ANY)}`,
  (r) => `cat ${r.pick(TEXT)} ${r.pick(DATA)} | wc -${r.pick(["l", "w", "c"])}`,
  (r) => `cat -n ${r.pick(CODE)} | head -${r.pick(N)}`,
  (r) => `cat ${r.pick(ANY)} > ${r.pick(OUT)}`,
  (r) => `grep -rn ${r.pick(WORDS)} ${r.pick(DIRS)}`,
  (r) => `grep -rn ${r.pick(WORDS)} src | head${r.pick(["", " -5", " -n 3"])}`,
  (r) => `grep -c ${r.pick(WORDS)} ${r.pick(CODE)}`,
  (r) => `grep -l ${r.pick(WORDS)} -r ${r.pick(DIRS)}`,
  (r) => `grep -i ${r.pick(WORDS)} ${r.pick(TEXT)} > ${r.pick(OUT)}`,
  (r) => `grep -E '${r.pick(WORDS)}|${r.pick(WORDS)}' ${r.pick(ANY)}`,
  (r) => `grep -v '^#' ${r.pick(["config.ini", ...TEXT])}`,
  (r) => `grep -o '[0-9]*' ${r.pick(DATA)} | sort -n | head -${r.pick(N)}`,
  (r) => `find . -name ${r.pick(GLOB)} | wc -l`,
  (r) => `find ${r.pick(DIRS)} -type f${r.pick(["", " | sort", " | head -3"])}`,
  (r) => `find . -maxdepth ${r.pick(["1", "2"])} -type d`,
  (r) => `find ${r.pick(DIRS)} -name ${r.pick(GLOB)} -newer README.md`,
  (r) => `find src -name '*.ts' -exec grep -l ${r.pick(WORDS)} {} \\;`,
  () => `find src -name '*.ts' -exec wc -l {} +`,
  () => `find out -name '*.tmp' -delete`,
  (r) => `find . -path ./out -prune -o -name ${r.pick(GLOB)} -print`,
  (r) => `find ${r.pick(DIRS)} -size +${r.pick(["1", "2", "4"])}k`,
  (r) => `sort ${r.pick(DATA)}${r.pick(["", " | head -3", " | wc -l"])}`,
  (r) => `sort -u ${r.pick(DATA)} > ${r.pick(OUT)}`,
  (r) => `sort -t, -k${r.pick(["1", "2", "3"])} -n data.csv`,
  (r) => `sort -o ${r.pick(OUT)} ${r.pick(DATA)}`,
  (r) => `sort -r ${r.pick(ANY)} | head -${r.pick(N)}`,
  (r) => `head -${r.pick(N)} ${r.pick(ANY)}`,
  (r) => `head -c ${r.pick(["100", "512", "1k"])} big.txt`,
  (r) => `wc -${r.pick(["l", "w", "c"])} ${r.pick(ANY)}`,
  (r) => `wc -l src/*.ts${r.pick(["", " | sort -n"])}`,
  (r) => `sed -n '${r.pick(N)},${r.pick(["5", "10", "20"])}p' ${r.pick(ANY)}`,
  (r) => `sed 's/${r.pick(WORDS)}/${r.pick(WORDS).toLowerCase()}/g' ${r.pick(ANY)}`,
  (r) => `sed 's/a/b/' ${r.pick(ANY)} > ${r.pick(OUT)}`,
  (r) => `sed -i 's/existing/${r.pick(WORDS)}/' out/existing.txt`,
  (r) => `sed '/^$/d' ${r.pick(TEXT)} | wc -l`,
  (r) => `cp ${r.pick(ANY)} out/`,
  (r) => `cp -r ${r.pick(["src", "docs"])} out/${r.pick(["copy", "backup", "snap"])}`,
  (r) => `cp ${r.pick(ANY)} out/${r.pick(["a.bak", "b.bak", "copy.txt"])}`,
  (r) => `rm -f out/${r.pick(["existing.txt", "x.log", "old.txt", "tmp.txt"])}`,
  (r) => `rm -rf out/${r.pick(["tmp", "cache", "build"])}`,
  (r) => `tar -cf out/${r.pick(["src", "docs", "all"])}.tar ${r.pick(["src", "docs", "src docs"])}`,
  (r) =>
    `tar -czf out/${r.pick(["x", "src", "docs"])}.tgz ${r.pick(["src", "docs", "README.md src"])}`,
  (r) => `tar -tf a.tar${r.pick(["", " | head -3", " | wc -l"])}`,
  (r) => `tar -tvf a.tar | ${r.pick(["head -2", "sort", "wc -l"])}`,
  (r) => `tar -xf a.tar -C out${r.pick(["", " planted"])}`,
  () => `tar -xzf a.tgz -C out`,
  (r) => `cd ${r.pick(["src", "docs", "out"])} && ls${r.pick(["", " -la", " | wc -l"])}`,
  (r) => `cd out && ls > ${r.pick(["list.txt", "files.txt"])}`,
  () => `for f in src/*.ts; do wc -l "$f"; done`,
  (r) => `while read -r f; do wc -l "$f"; done < <(find src -name ${r.pick(GLOB)})`,
  (r) => `DIR=${r.pick(DIRS)}; find "$DIR" -name ${r.pick(GLOB)}`,
  (r) => `f=${r.pick(OUT)}; ls > "$f"`,
  (r) => `if grep -q ${r.pick(WORDS)} ${r.pick(CODE)}; then echo found; fi`,
  (r) => `test -f ${r.pick(ANY)} && cat ${r.pick(ANY)}`,
  () => `[ -d out ] || echo missing`,
  (r) => `printf '%s\\n' ${r.pick(QUOTED)} > ${r.pick(OUT)}`,
  (r) => `echo "$(ls ${r.pick(DIRS)} | wc -l) files"`,
  (r) => `n=$(grep -c . ${r.pick(ANY)}); echo "$n lines"`,
  (r) => `ls ${r.pick(DIRS)} | sort -r | head -${r.pick(N)}`,
  (r) => `echo done > "$CARO_PROJECT_ROOT/${r.pick(OUT)}"`,
  (r) => `grep -rn ${r.pick(WORDS)} "$CARO_PROJECT_ROOT/src" | wc -l`,
  (r) => `cat ${r.pick(ANY)} 2>/dev/null | head -${r.pick(N)}`,
];

const REFS = ["HEAD", "HEAD~1", "HEAD~2", "main"];
const GIT: Template[] = [
  (r) => `git log --oneline -${r.pick(N)}`,
  (r) => `git log -1 --format=${r.pick(["%H", "%s", "%an", "%ad"])}`,
  () => `git log --author="$USER" --oneline`,
  (r) => `git log --since=${r.pick(["2.weeks", "1.month", "yesterday"])} --oneline`,
  () => `git log --oneline | awk '{print $1}'`,
  (r) => `git log --oneline | sed -n ${r.pick(N)}p`,
  (r) => `git --no-pager log -${r.pick(N)} --stat`,
  (r) => `git log --pretty=format:'%h %s' -${r.pick(N)} > ${r.pick(OUT)}`,
  () => `git status --short`,
  (r) => `git status ${r.pick(["-sb", "--porcelain", "-s"])}`,
  (r) => `git diff --stat ${r.pick(REFS)}`,
  (r) => `git diff ${r.pick(REFS)} --name-only`,
  (r) => `git diff ${r.pick(REFS)} > out/changes.diff`,
  (r) => `git show --stat ${r.pick(REFS)}`,
  (r) => `git show ${r.pick(REFS)}:${r.pick(["README.md", "a.txt", "src/main.ts"])}`,
  (r) => `git branch ${r.pick(["-a", "-v", "--list", "--show-current"])}`,
  () => `git tag -l`,
  (r) =>
    `git rev-parse ${r.pick(["HEAD", "--short HEAD", "--show-toplevel", "--abbrev-ref HEAD"])}`,
  (r) => `git ls-files${r.pick(["", " | sort", " src", " | grep ts"])}`,
  (r) => `git blame -L 1,${r.pick(N)} ${r.pick(["README.md", "a.txt", "src/main.ts"])}`,
  (r) => `git shortlog -sn${r.pick(["", " HEAD"])}`,
  (r) => `git grep -n ${r.pick(WORDS)}${r.pick(["", " -- src"])}`,
  (r) => `git config --get ${r.pick(["user.name", "core.bare", "remote.origin.url"])}`,
  () => `git describe --tags --always`,
  (r) => `git format-patch -1 -o out/patches ${r.pick(REFS)}`,
  (r) => `git archive -o out/${r.pick(["src", "head", "snap"])}.tar HEAD`,
  (r) => `git clone -q . /tmp/${r.pick(["clone", "copy", "mirror"])}`,
  (r) => `git init -q /tmp/${r.pick(["scratch", "repo", "r"])}`,
  (r) => `git log --oneline > /tmp/${r.pick(["log.txt", "history.txt"])}`,
  (r) => `git cat-file -p ${r.pick(REFS)}`,
  (r) => `git rev-list --count ${r.pick(REFS)}`,
  (r) => `find . -name ${r.pick(GLOB)} -not -path './.git/*' | xargs grep -l ${r.pick(WORDS)}`,
  (r) => `find src -type f -print0 | xargs -0 grep -c ${r.pick(WORDS)}`,
  () => `find src -name '*.ts' | xargs sed -n 1p`,
  () => `find src -name '*.ts' | xargs -n1 awk 'END {print NR, FILENAME}'`,
  (r) => `grep -rn ${r.pick(WORDS)} src | sort`,
  (r) => `grep -c . ${r.pick(ANY)}`,
  (r) => `awk -F, '{print $${r.pick(["1", "2", "3"])}}' data.csv | sort -u`,
  () => `awk '{s+=$1} END {print s}' nums.txt`,
  (r) => `awk 'NR<=${r.pick(N)}' ${r.pick(ANY)}`,
  (r) => `awk '/${r.pick(WORDS)}/ {n++} END {print n+0}' ${r.pick(CODE)}`,
  (r) => `awk -F, 'NR>1 {print $2}' data.csv > ${r.pick(OUT)}`,
  (r) => `sed -n '/${r.pick(WORDS)}/p' ${r.pick(CODE)}`,
  (r) => `sed 's/,/;/g' data.csv > ${r.pick(OUT)}`,
  (r) => `sort -t, -k${r.pick(["1", "2", "3"])} -n data.csv > ${r.pick(OUT)}`,
  (r) => `sort ${r.pick(DATA)} > /tmp/${r.pick(["sorted", "s.txt"])}`,
  (r) => `find . -name '*.md' -not -path './.git/*' -exec grep -H ${r.pick(WORDS)} {} \\;`,
  (r) => `find ${r.pick(DIRS)} -type f -name ${r.pick(GLOB)} | sort`,
  () => `xargs -n1 < list.txt grep -c a`,
  (r) => `git diff --name-only ${r.pick(REFS)} | xargs grep -c ${r.pick(WORDS)}`,
  (r) => `cd src && git log --oneline -${r.pick(N)} -- .`,
  (r) => `DIR=${r.pick(DIRS)}; find "$DIR" -name ${r.pick(GLOB)} | sort`,
  (r) => `for c in $(git rev-list -${r.pick(N)} HEAD); do git show -s --format=%s "$c"; done`,
  () => `git log -1 --format=%H > "$CARO_PROJECT_ROOT/out/head.txt"`,
  (r) => `printf '%s\\n' ${r.pick(QUOTED)} | sed 's/x/y/'`,
];

const NS = ["default", "kube-system", "prod", "staging", "monitoring"];
const RES = ["pods", "deploy", "svc", "nodes", "configmaps", "ingress", "jobs"];
const BUCKETS = ["s3://my-bucket", "s3://logs-archive", "s3://team-data/reports"];
const CLOUD: Template[] = [
  (r) => `kubectl get ${r.pick(RES)}${r.pick(["", " -o wide", " -o name", " -A"])}`,
  (r) => `kubectl get ${r.pick(RES)} -n ${r.pick(NS)}`,
  (r) => `kubectl describe ${r.pick(["pod web-1", "deploy api", "svc web", "node n1"])}`,
  (r) =>
    `kubectl logs ${r.pick(["web-1", "api-0", "worker-2"])} --tail=${r.pick(["20", "50", "100"])}`,
  () => `kubectl config current-context`,
  (r) => `kubectl version --client${r.pick(["", " -o json"])}`,
  (r) => `kubectl explain ${r.pick(["pod.spec", "deployment", "service.spec.ports"])}`,
  (r) => `kubectl get events -n ${r.pick(NS)} --sort-by=.metadata.creationTimestamp`,
  (r) => `kubectl apply --dry-run=client -f k8s/${r.pick(["deploy.yaml", "service.yaml"])}`,
  (r) => `kubectl get ${r.pick(RES)} -o json > out/${r.pick(RES)}.json`,
  (r) => `kubectl --kubeconfig "$KUBECONFIG" get ${r.pick(RES)}`,
  (r) => `KUBECONFIG=k8s/kubeconfig.yaml kubectl get ${r.pick(RES)}`,
  (r) => `kubectl get ${r.pick(RES)} --context ${r.pick(["prod", "dev"])}`,
  (r) => `kubectl top ${r.pick(["pods", "nodes"])}`,
  (r) => `kubectl rollout status deploy/${r.pick(["api", "web"])} -n ${r.pick(NS)}`,
  (r) => `for ns in ${r.pick(NS)} ${r.pick(NS)}; do kubectl get pods -n "$ns"; done`,
  (r) => `aws s3 ls${r.pick(["", " " + r.pick(BUCKETS) + "/"])}`,
  () => `aws sts get-caller-identity`,
  (r) => `aws ec2 describe-instances --region "$AWS_REGION"${r.pick(["", " --output table"])}`,
  (r) => `aws s3 cp ${r.pick(BUCKETS)}/x.csv out/x.csv`,
  (r) => `aws s3 cp out/existing.txt ${r.pick(BUCKETS)}/`,
  () => `aws --version`,
  () => `aws configure get region`,
  (r) => `aws logs tail /aws/lambda/${r.pick(["api", "jobs"])} --since 1h`,
  (r) => `aws s3 sync out ${r.pick(BUCKETS)}/out --dryrun`,
  () => `aws cloudformation describe-stacks --region "$AWS_REGION"`,
  (r) => `aws s3 ls ${r.pick(BUCKETS)}/ > out/${r.pick(["listing", "ls"])}.txt`,
  (r) => `tar -cf out/${r.pick(["k8s", "manifests"])}.tar k8s`,
  () => `tar -tf a.tar`,
  () => `tar -xf a.tar -C out`,
  (r) => `env AWS_REGION=${r.pick(["us-east-1", "eu-west-1"])} aws s3 ls`,
  () => `env -u AWS_PROFILE aws s3 ls`,
  () => `flock out/deploy.lock kubectl apply --dry-run=client -f k8s/deploy.yaml`,
  (r) => `flock -n out/${r.pick(["x", "sync", "job"])}.lock aws s3 ls`,
  (r) => `timeout ${r.pick(["10", "30", "5s", "1m"])} kubectl get ${r.pick(RES)}`,
  (r) => `timeout ${r.pick(["10", "30s"])} aws s3 ls`,
  () => `echo "$AWS_REGION"`,
  () => `R=\${AWS_REGION:-us-east-1}; aws s3 ls --region "$R"`,
  (r) => `kubectl get ${r.pick(RES)} -o name > out/${r.pick(["names", "list"])}.txt`,
  () => `cd k8s && kubectl apply --dry-run=client -f .`,
  () => `kubectl get pods -o jsonpath='{.items[*].metadata.name}'`,
  (r) => `aws s3 ls ${r.pick(BUCKETS)} --recursive --summarize`,
  (r) =>
    `kubectl get ${r.pick(RES)} -n ${r.pick(NS)} > "$CARO_PROJECT_ROOT/out/${r.pick(RES)}.txt"`,
];

const TEMPLATES: Readonly<Record<PolicyKey, readonly Template[]>> = {
  files: FILES,
  git: GIT,
  cloud: CLOUD,
};

/** One everyday line of a policy. */
export function everydayLine(r: Rng, policy: PolicyKey): string {
  return r.pick(TEMPLATES[policy])(r);
}

/** A generated line with the policy it runs under. */
export interface BenignLine {
  policy: PolicyKey;
  line: string;
}

/** Options of {@link benignLines}. */
export interface BenignOptions {
  seed: number;
  /** Distinct lines per policy. */
  perPolicy: number;
  policies: readonly PolicyKey[];
}

/**
 * Distinct everyday lines, `perPolicy` for each policy (fewer only if the
 * templates cannot make that many).
 *
 * @example
 * ```ts
 * import { benignLines } from "./_benign.ts";
 * const lines = benignLines({ seed: 1, perPolicy: 50, policies: ["files", "git", "cloud"] });
 * if (lines.length !== 150) throw new Error(String(lines.length));
 * ```
 */
export function benignLines(options: BenignOptions): BenignLine[] {
  const out: BenignLine[] = [];
  for (const policy of options.policies) {
    const r = new Rng(options.seed ^ hash(policy));
    const seen = new Set<string>();
    for (let tries = 0; seen.size < options.perPolicy && tries < options.perPolicy * 50; tries++) {
      const line = everydayLine(r, policy);
      if (seen.has(line)) continue;
      seen.add(line);
      out.push({ policy, line });
    }
  }
  return out;
}

/** A stable 32-bit hash of a string (FNV-1a). */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
