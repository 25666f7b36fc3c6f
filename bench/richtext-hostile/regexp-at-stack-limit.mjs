// The V8 behaviour behind the crash, without any library: recurse until the stack runs
// out, and in each `catch` on the way back compile a regular expression. V8 checks the
// stack while compiling it and, finding it overflowed, aborts the process instead of
// throwing: "FATAL ERROR: RegExpCompiler Allocation failed - process out of memory"
// (exit 134, SIGABRT). `node bench/richtext-hostile/regexp-at-stack-limit.mjs`
let caught = 0
const deep = (level) => {
  try {
    return deep(level + 1)
  } catch {
    caught++
    return new RegExp(`(a|b|c|d)+x${level}(?:e|f)*y`).test(`abcabc${level}`)
  }
}
deep(0)
console.log(`survived, ${caught} catches`)
