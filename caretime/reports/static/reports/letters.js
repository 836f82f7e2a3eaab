/*
 * The letters page: a Copy button for each letter, and e-mail (and text-message) links that
 * follow the text as the person edits it.
 *
 * Without this script the page still works: the text is selectable, the e-mail link carries
 * the letter as written, and "Print view" posts the edited text. Nothing here talks to the
 * network or stores anything: what the person types about themselves stays in the page.
 *
 * Every word shown comes from the page (#letter-words), so that it is translated with the
 * rest of the site. The e-mail link follows the same rule as caretime/reports/letters.py
 * (mailto_link): line breaks as CRLF, and a letter too long for one link is never cut off;
 * the link then carries a note asking to paste the letter, and the page says so.
 */
"use strict";

(() => {
  const words = document.getElementById("letter-words");
  if (!words) {
    return;
  }
  const maxChars = Number(words.dataset.mailtoMax) || 2000;

  const mailto = (subject, body) =>
    `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.replace(/\r?\n/g, "\r\n"))}`;

  function followText(textarea) {
    const link = document.querySelector(`[data-mailto="${textarea.id}"]`);
    const note = document.querySelector(`[data-too-long-note="${textarea.id}"]`);
    if (!link) {
      return;
    }
    const full = mailto(link.dataset.subject || "", textarea.value);
    const fits = full.length <= maxChars;
    link.href = fits ? full : mailto(link.dataset.subject || "", words.dataset.tooLong || "");
    if (note) {
      note.hidden = fits;
    }
    const sms = document.querySelector(`[data-sms="${textarea.id}"]`);
    if (sms && sms.dataset.smsStart) {
      sms.href = sms.dataset.smsStart + encodeURIComponent(textarea.value);
    }
  }

  function say(textarea, message) {
    const status = document.querySelector(`[data-copy-status="${textarea.id}"]`);
    if (status) {
      status.textContent = message;
    }
  }

  // The older way, for browsers without the asynchronous clipboard or where it is refused.
  function copyBySelection(textarea) {
    textarea.focus();
    textarea.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }

  async function copy(textarea) {
    let copied = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(textarea.value);
        copied = true;
      } catch {
        copied = false;
      }
    }
    if (!copied) {
      copied = copyBySelection(textarea);
    }
    if (!copied) {
      textarea.focus();
      textarea.select();
    }
    say(textarea, copied ? words.dataset.copied : words.dataset.copyFailed);
  }

  for (const textarea of document.querySelectorAll("textarea[data-letter]")) {
    textarea.addEventListener("input", () => {
      followText(textarea);
      say(textarea, "");
    });
    followText(textarea); // the browser may have restored an edited text on "Back"
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    const textarea = document.getElementById(button.dataset.copy);
    if (!textarea) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      copy(textarea);
    });
  }
})();
