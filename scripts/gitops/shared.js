// What the PR-comment and drift-issue scripts share: reading a captured command result and
// building Markdown bodies within GitHub's size limit. Plain CommonJS without dependencies, because
// actions/github-script `require`s these files straight from the checkout (no `npm ci` in the jobs
// that hold a write token). Types: shared.d.ts.
"use strict";

const { readFile } = require("node:fs/promises");
const { join } = require("node:path");
const { stripVTControlCharacters } = require("node:util");

/** GitHub rejects an issue or comment body longer than this many characters. */
const GITHUB_BODY_LIMIT = 65_536;
/** What the bodies are built to: a little under the limit, as a safety margin. */
const BODY_BUDGET = GITHUB_BODY_LIMIT - 536;

/** Tool output as it should appear in Markdown: no terminal colours, no carriage returns. */
function cleanOutput(text) {
  return stripVTControlCharacters(text).replace(/\r\n?/g, "\n").trimEnd();
}

/**
 * A fenced code block that the text cannot close early: the fence is longer than any run of
 * backticks inside it (CommonMark closes a fence only with one at least as long).
 */
function codeBlock(text, info = "text") {
  // A loop, not Math.max(...runs): a long output can hold more runs than a call takes arguments.
  let longestRun = 0;
  for (const run of text.match(/`+/g) ?? []) longestRun = Math.max(longestRun, run.length);
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/**
 * Cuts `text` to at most `budget` characters by dropping its middle: the head shows the first
 * changes, the tail Pulumi's summary and any error. Cuts fall on line ends where one is near, never
 * inside a surrogate pair.
 */
function trimMiddle(text, budget) {
  if (text.length <= budget) return { text, trimmed: false, omittedLines: 0 };
  const reserve = 120; // the "… N lines trimmed …" line
  const available = Math.max(0, budget - reserve);
  const headBudget = Math.floor(available * 0.6);
  const tailBudget = available - headBudget;

  let head = text.slice(0, headBudget);
  const lastBreak = head.lastIndexOf("\n");
  if (lastBreak >= headBudget / 2) head = head.slice(0, lastBreak + 1);
  else if (isHighSurrogate(head.charCodeAt(head.length - 1))) head = head.slice(0, -1);

  let tail = tailBudget > 0 ? text.slice(text.length - tailBudget) : "";
  const firstBreak = tail.indexOf("\n");
  if (firstBreak >= 0 && firstBreak < tailBudget / 2) tail = tail.slice(firstBreak + 1);
  else if (isLowSurrogate(tail.charCodeAt(0))) tail = tail.slice(1);

  const omitted = text.slice(head.length, text.length - tail.length);
  const omittedLines = omitted.split("\n").length - (omitted.endsWith("\n") ? 1 : 0);
  const separator = `${head.endsWith("\n") ? "" : "\n"}… ${omittedLines} line${omittedLines === 1 ? "" : "s"} (${omitted.length} characters) trimmed …\n`;
  return { text: head + separator + tail, trimmed: true, omittedLines };
}

const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff;

/**
 * `before`, the output in a code block, `afterBlock`, then `after`, within BODY_BUDGET: when the
 * whole output does not fit, its middle is dropped and `trimmedNote` goes between `afterBlock` and
 * `after` (outside a collapsed <details>, so it is seen).
 */
function bodyWithOutput({ before, output, afterBlock = "", trimmedNote, after }) {
  const fixed = before.length + afterBlock.length + trimmedNote.length + after.length + 4;
  let budget = BODY_BUDGET - fixed - 64; // 64: the fences and their newlines
  let shown = trimMiddle(output, budget);
  let block = codeBlock(shown.text);
  // Long backtick runs in the output make the fence longer than the 64 characters set aside.
  while (fixed + block.length > BODY_BUDGET) {
    budget -= 256;
    if (budget < 0) throw new Error("the text around the output alone exceeds GitHub's body limit");
    shown = trimMiddle(output, budget);
    block = codeBlock(shown.text);
  }
  const note = shown.trimmed ? `\n\n${trimmedNote}` : "";
  return `${before}${block}${afterBlock}${note}${after}`;
}

/**
 * What a workflow step left in `directory` (see the workflows' capture steps): `output.txt` (stdout
 * and stderr) and `exit-code`. `exitCode` is null when the step never finished (no such files).
 */
async function readCapturedResult(directory) {
  const read = (name) => readFile(join(directory, name), "utf8").catch(() => undefined);
  const [output, code] = await Promise.all([read("output.txt"), read("exit-code")]);
  const exitCode = code !== undefined && /^\d+$/.test(code.trim()) ? Number(code.trim()) : null;
  return { output: output ?? "", exitCode };
}

/** The link to this workflow run, from actions/github-script's `context`. */
function workflowRunUrl(context) {
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function assertStackName(stack) {
  if (typeof stack !== "string" || !STACK_NAME.test(stack)) {
    throw new Error(
      `stack: expected a stack name such as "dev" (letters, digits, "-", "_", "."), got ${JSON.stringify(stack)}`,
    );
  }
}

module.exports = {
  readCapturedResult,
  workflowRunUrl,
  assertStackName,
  GITHUB_BODY_LIMIT,
  BODY_BUDGET,
  cleanOutput,
  codeBlock,
  trimMiddle,
  bodyWithOutput,
};
