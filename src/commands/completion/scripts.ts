// Static completion scripts for bash, zsh and fish. Each walks the typed words to
// the deepest known command path, then offers that command's subcommands or flags.
import { type CommandNode, type OptionSpec, flatten } from "./tree";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const quoteSingle = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function valueOptions(nodes: CommandNode[]): OptionSpec[] {
  return nodes.flatMap((n) => n.options).filter((o) => o.takesValue);
}

function bash(root: CommandNode, program: string): string {
  const nodes = flatten(root);
  const globals = root.options.flatMap((o) => o.flags);
  const known = nodes.filter((n) => n.path).map((n) => `"${n.path}"`).join("|");
  const valueFlags = [...new Set(valueOptions(nodes).flatMap((o) => o.flags))].join(" ");
  const valueCases = valueOptions(nodes)
    .map((o) => `    ${o.flags.join("|")}) ${o.choices ? `COMPREPLY=($(compgen -W "${o.choices.join(" ")}" -- "$cur"))` : o.isPath ? `COMPREPLY=($(compgen -f -- "$cur"))` : "COMPREPLY=()"}; return ;;`)
    .filter((line, i, all) => all.indexOf(line) === i)
    .join("\n");
  const nodeCases = nodes
    .map((n) => `    "${n.path}") cmds="${n.commands.map((c) => c.name).join(" ")}"; flags="${n.options.flatMap((o) => o.flags).join(" ")}" ;;`)
    .join("\n");
  const fn = `_${program}_complete`;
  return `# ${program} bash completion. Load it with:  source <(${program} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local path="" w i skip=0 cmds="" flags=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      -*) case " ${valueFlags} " in *" $w "*) skip=1 ;; esac ;;
      *) case "\${path:+$path }$w" in ${known || `""`}) path="\${path:+$path }$w" ;; esac ;;
    esac
  done
  case "$prev" in
${valueCases}
  esac
  case "$path" in
${nodeCases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags ${globals.join(" ")}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
  fi
}
complete -F ${fn} ${program}
`;
}

function zsh(root: CommandNode, program: string): string {
  const nodes = flatten(root);
  const globals = root.options.flatMap((o) => o.flags);
  const known = nodes.filter((n) => n.path).map((n) => `"${n.path}"`).join("|");
  const valueFlags = [...new Set(valueOptions(nodes).flatMap((o) => o.flags))].join(" ");
  const valueCases = valueOptions(nodes)
    .map((o) => `    ${o.flags.join("|")}) ${o.choices ? `compadd -- ${o.choices.join(" ")}` : o.isPath ? "_files" : ":"}; return ;;`)
    .filter((line, i, all) => all.indexOf(line) === i)
    .join("\n");
  const nodeCases = nodes
    .map((n) => {
      const cmds = n.commands.map((c) => quoteSingle(`${c.name}:${c.description.replace(/:/g, "\\:")}`)).join(" ");
      const flags = n.options.flatMap((o) => o.flags).join(" ");
      return `    "${n.path}") cmds=(${cmds}); flags=(${flags}) ;;`;
    })
    .join("\n");
  return `#compdef ${program}
# ${program} zsh completion. Load it with:  source <(${program} completion zsh)
_${program}() {
  local path="" w i skip=0
  local -a cmds flags
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      -*) if [[ " ${valueFlags} " == *" $w "* ]]; then skip=1; fi ;;
      *) case "\${path:+$path }$w" in ${known || `""`}) path="\${path:+$path }$w" ;; esac ;;
    esac
  done
  case "\${words[CURRENT-1]}" in
${valueCases}
  esac
  case "$path" in
${nodeCases}
  esac
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- $flags ${globals.join(" ")}
  else
    _describe 'command' cmds
  fi
}
if [[ "\${funcstack[1]}" == "_${program}" ]]; then _${program} "$@"; else compdef _${program} ${program}; fi
`;
}

function fish(root: CommandNode, program: string): string {
  const nodes = flatten(root);
  const known = nodes.filter((n) => n.path).map((n) => quoteSingle(n.path)).join(" ");
  const valueFlags = [...new Set(valueOptions(nodes).flatMap((o) => o.flags))].map(quoteSingle).join(" ");
  const lines: string[] = [
    `# ${program} fish completion. Load it with:  ${program} completion fish | source`,
    `function __${program}_path`,
    `    set -l known ${known}`,
    `    set -l value_flags ${valueFlags}`,
    `    set -l path ""`,
    `    set -l skip 0`,
    `    for w in (commandline -opc)[2..-1]`,
    `        if test $skip -eq 1; set skip 0; continue; end`,
    `        if string match -q -- '-*' $w`,
    `            contains -- $w $value_flags; and set skip 1`,
    `            continue`,
    `        end`,
    `        set -l next (string trim -- "$path $w")`,
    `        contains -- $next $known; and set path $next`,
    `    end`,
    `    echo $path`,
    `end`,
    `function __${program}_at`,
    `    test (__${program}_path) = "$argv[1]"`,
    `end`,
    `complete -c ${program} -f`,
  ];
  const optionLine = (o: OptionSpec, condition?: string) => {
    const parts = [`complete -c ${program}`];
    if (condition !== undefined) parts.push(`-n ${quoteSingle(`__${program}_at ${quoteSingle(condition)}`)}`);
    for (const f of o.flags) parts.push(f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
    if (o.choices) parts.push(`-x -a ${quoteSingle(o.choices.join(" "))}`);
    else if (o.isPath) parts.push("-r -F");
    else if (o.takesValue) parts.push("-x");
    parts.push(`-d ${quoteSingle(o.description)}`);
    return parts.join(" ");
  };
  for (const o of root.options) lines.push(optionLine(o));
  for (const n of nodes) {
    for (const c of n.commands) {
      lines.push(`complete -c ${program} -n ${quoteSingle(`__${program}_at ${quoteSingle(n.path)}`)} -a ${quoteSingle(c.name)} -d ${quoteSingle(c.description)}`);
    }
    if (n.path) for (const o of n.options) lines.push(optionLine(o, n.path));
  }
  return lines.join("\n") + "\n";
}

/** completionScript renders the completion script for shell. */
export function completionScript(shell: Shell, root: CommandNode, program = "pxectl"): string {
  return { bash, zsh, fish }[shell](root, program);
}
