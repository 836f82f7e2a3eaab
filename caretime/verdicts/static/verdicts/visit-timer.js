/*
 * The visit timer, and the part of the visit report form that takes what it counted.
 *
 * On the timer page (#visit-timer) the person presses "Therapist is with me" and "Therapist
 * stepped away" during a therapy visit and counts the other patients they see the therapist
 * treat. On the report form (#visit-form, opened with ?from_timer=1) the same script fills in
 * the answers from the finished visit, for the person to check before sending.
 *
 * Nothing here talks to the network: the count lives in this phone's localStorage until the
 * person sends the report form themselves. What is stored is the list of changes with the
 * moment of each (Date.now()), never a running total, so that the minutes come out right
 * after a reload, a phone that slept through the visit or a tab the browser froze.
 *
 * Every word shown or announced comes from the page (data-* attributes written by the
 * template), so that it is translated with the rest of the site.
 *
 * Stored under "caretime.visit-timer.<clinic>.<discipline>":
 *   {
 *     "version": 1,
 *     "changes": [                       // in the order they happened
 *       {"at": 1760000000000, "type": "with"},            // therapist is with the person
 *       {"at": 1760001200000, "type": "away"},            // therapist stepped away
 *       {"at": 1760001260000, "type": "others", "count": 1}, // other patients seen so far
 *       {"at": 1760002400000, "type": "end"}              // "Finish and report"
 *     ],
 *     "finished": null or {              // written by "Finish and report"
 *       "at": 1760002400000, "visitedIn": "2026-05", "therapistMinutes": 35,
 *       "awayMinutes": 5, "interruptions": 1, "otherPatients": 1, "therapistCame": true
 *     }
 *   }
 */
"use strict";

(() => {
  const STORAGE_PREFIX = "caretime.visit-timer.";
  const VERSION = 1;
  const MINUTE_MS = 60 * 1000;
  // The highest "other patients" answer on the form is "3 or more".
  const MAX_OTHER_PATIENTS_ANSWER = 3;
  // How long "Start over" waits for its second press before it goes back to normal.
  const CONFIRM_MS = 8000;

  const storageKey = (clinic, discipline) => `${STORAGE_PREFIX}${clinic}.${discipline}`;

  const emptyState = () => ({ version: VERSION, changes: [], finished: null });

  // A state from storage is only trusted if it has the shape this version wrote; anything
  // else (an older format, a hand-edited value) starts a fresh visit rather than breaking.
  function loadState(key) {
    let raw = null;
    try {
      raw = window.localStorage.getItem(key);
    } catch {
      return emptyState(); // storage blocked (some private modes): count in memory only
    }
    if (!raw) {
      return emptyState();
    }
    try {
      const state = JSON.parse(raw);
      if (state && state.version === VERSION && Array.isArray(state.changes)) {
        const changes = state.changes.filter(
          (change) => change && Number.isFinite(change.at) && typeof change.type === "string",
        );
        return { version: VERSION, changes, finished: state.finished || null };
      }
    } catch {
      // not JSON: fall through to a fresh visit
    }
    return emptyState();
  }

  // Returns false when the browser refuses to store (full, or private mode): the page then
  // says that a reload would lose the count.
  function saveState(key, state) {
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
      return true;
    } catch {
      return false;
    }
  }

  function removeState(key) {
    try {
      window.localStorage.removeItem(key);
    } catch {
      // nothing stored to remove
    }
  }

  /*
   * Replays the changes up to `now`. The visit starts at the first "with" or "away" press;
   * from then on every moment is either with the therapist or away, until "end". An
   * interruption is a step away after the therapist had been with the person (a visit that
   * starts with the therapist away has none until they come and leave again). The time
   * between "end" and a later press (back on the timer after finishing) counts as neither.
   */
  function summarize(changes, now) {
    const summary = {
      presence: null, // "with", "away", or null before the visit starts and after "end"
      startedAt: null,
      ended: false,
      withMs: 0,
      awayMs: 0,
      interruptions: 0,
      otherPatients: 0,
      therapistCame: false,
    };
    let since = 0;
    const closeInterval = (at) => {
      // Math.max: a phone clock set backwards must not make time negative.
      const spent = Math.max(0, at - since);
      if (summary.presence === "with") {
        summary.withMs += spent;
      } else if (summary.presence === "away") {
        summary.awayMs += spent;
      }
    };
    for (const change of changes) {
      if (change.type === "others") {
        summary.otherPatients = Math.max(0, Math.floor(Number(change.count) || 0));
        continue;
      }
      if (change.type !== "with" && change.type !== "away" && change.type !== "end") {
        continue;
      }
      closeInterval(change.at);
      if (change.type === "away" && summary.presence === "with") {
        summary.interruptions += 1;
      }
      if (change.type === "with") {
        summary.therapistCame = true;
      }
      if (change.type !== "end" && summary.startedAt === null) {
        summary.startedAt = change.at;
      }
      summary.ended = change.type === "end";
      summary.presence = change.type === "end" ? null : change.type;
      since = change.at;
    }
    closeInterval(now);
    return summary;
  }

  const roundMinutes = (ms) => Math.round(ms / MINUTE_MS);

  // "35:07": minutes, then seconds. Minutes are not wrapped into hours: the form asks for
  // minutes, so the person reads the same figure here as they will type there.
  function clockText(ms) {
    const seconds = Math.floor(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  // The month of the visit on the phone's own calendar, as the form's month field wants it.
  function monthOf(timestamp) {
    const day = new Date(timestamp);
    return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}`;
  }

  // Words with a "{n}" in them take a number.
  const fill = (text, n) => (text || "").replace("{n}", String(n));

  // --- the timer page ------------------------------------------------------------------------

  function startTimer(root) {
    const words = document.getElementById("visit-timer-words").dataset;
    const key = storageKey(root.dataset.clinic, root.dataset.discipline);
    const $ = (id) => document.getElementById(id);
    const withButton = $("vt-with");
    const awayButton = $("vt-away");
    const fewerButton = $("vt-others-fewer");
    const moreButton = $("vt-others-more");
    const finishButton = $("vt-finish");
    const resetButton = $("vt-reset");
    const status = $("vt-status");
    const resetLabel = resetButton.textContent;

    let state = loadState(key);
    let confirmTimer = null;

    function store() {
      $("vt-no-storage").hidden = saveState(key, state);
    }

    // Announced through the polite live region: status changes only, never the ticking clock.
    function say(text) {
      status.textContent = text;
    }

    function render() {
      const now = Date.now();
      const summary = summarize(state.changes, now);
      withButton.setAttribute("aria-pressed", String(summary.presence === "with"));
      awayButton.setAttribute("aria-pressed", String(summary.presence === "away"));
      $("vt-with-time").textContent = clockText(summary.withMs);
      $("vt-away-time").textContent = clockText(summary.awayMs);
      $("vt-interruptions").textContent = String(summary.interruptions);
      $("vt-others-count").textContent = String(summary.otherPatients);
      // aria-disabled rather than disabled: a disabled button drops the keyboard focus.
      fewerButton.setAttribute("aria-disabled", String(summary.otherPatients === 0));
      $("vt-finished").hidden = !(summary.ended && state.finished);
      return summary;
    }

    function cancelConfirm() {
      if (confirmTimer !== null) {
        window.clearTimeout(confirmTimer);
        confirmTimer = null;
      }
      resetButton.textContent = resetLabel;
      delete resetButton.dataset.confirming;
    }

    function record(change) {
      state.changes.push({ at: Date.now(), ...change });
      store();
    }

    function press(presence) {
      cancelConfirm();
      const summary = summarize(state.changes, Date.now());
      if (summary.presence === presence) {
        return; // already so: a second tap must not add an interruption
      }
      // Back on the timer after finishing: the visit goes on, and must be finished again.
      state.finished = null;
      record({ type: presence });
      const after = render();
      say(presence === "with" ? words.sayWith : fill(words.sayAway, after.interruptions));
    }

    function changeOthers(step) {
      cancelConfirm();
      const current = summarize(state.changes, Date.now()).otherPatients;
      const count = Math.max(0, current + step);
      if (count !== current) {
        record({ type: "others", count });
        if (state.finished) {
          state.finished.otherPatients = count;
          store();
        }
        render();
      }
      // Said even when nothing changed, so that a press of "fewer" at 0 is not silent.
      say(fill(words.sayOthers, count));
    }

    function finish() {
      cancelConfirm();
      let summary = summarize(state.changes, Date.now());
      if (summary.startedAt === null) {
        say(words.sayNotStarted);
        return;
      }
      if (!summary.ended) {
        record({ type: "end" });
        summary = summarize(state.changes, Date.now());
      }
      state.finished = {
        at: Date.now(),
        visitedIn: monthOf(summary.startedAt),
        therapistMinutes: roundMinutes(summary.withMs),
        awayMinutes: roundMinutes(summary.awayMs),
        interruptions: summary.interruptions,
        otherPatients: summary.otherPatients,
        therapistCame: summary.therapistCame,
      };
      store();
      render();
      const url = new URL(root.dataset.reportUrl, window.location.href);
      url.searchParams.set("from_timer", "1");
      window.location.assign(url.toString());
    }

    function startOver() {
      if (resetButton.dataset.confirming !== "true") {
        // A second press, not window.confirm(): it works the same with a screen reader and
        // cannot be dismissed by accident.
        resetButton.dataset.confirming = "true";
        resetButton.textContent = words.confirmLabel;
        say(words.sayConfirm);
        confirmTimer = window.setTimeout(cancelConfirm, CONFIRM_MS);
        return;
      }
      cancelConfirm();
      removeState(key);
      state = emptyState();
      $("vt-no-storage").hidden = true;
      render();
      say(words.sayCleared);
    }

    withButton.addEventListener("click", () => press("with"));
    awayButton.addEventListener("click", () => press("away"));
    moreButton.addEventListener("click", () => changeOthers(1));
    fewerButton.addEventListener("click", () => changeOthers(-1));
    finishButton.addEventListener("click", finish);
    resetButton.addEventListener("click", startOver);
    resetButton.addEventListener("blur", cancelConfirm);

    // Another tab of the same timer, or this page coming back from the back-forward cache
    // or from a sleeping phone: read the stored changes again rather than trust memory.
    const reload = () => {
      state = loadState(key);
      render();
    };
    window.addEventListener("storage", (event) => {
      if (event.key === key || event.key === null) {
        reload();
      }
    });
    window.addEventListener("pageshow", reload);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        reload();
      }
    });

    // Only the text of the clock changes each second; it is not a live region, so a screen
    // reader reads it when asked, not every second.
    window.setInterval(render, 1000);
    render();
    root.hidden = false;
  }

  // --- the report form -----------------------------------------------------------------------

  function setField(form, name, value) {
    const field = form.elements.namedItem(name);
    if (field && "value" in field) {
      field.value = value;
    }
  }

  function checkRadio(form, name, value) {
    for (const radio of form.querySelectorAll(`input[type="radio"][name="${name}"]`)) {
      radio.checked = radio.value === value;
    }
  }

  function fillReportForm(form) {
    if (new URLSearchParams(window.location.search).get("from_timer") !== "1") {
      return; // only when the person came from "Finish and report", never over typed answers
    }
    // The form posts to /clinics/<clinic>/<discipline>/visit-report/: the same clinic and
    // therapy the timer stored its visit under.
    const path = new URL(form.getAttribute("action") || "", window.location.href).pathname;
    const match = /\/clinics\/(\d+)\/([^/]+)\/visit-report\/?$/.exec(path);
    if (!match) {
      return;
    }
    const finished = loadState(storageKey(match[1], match[2])).finished;
    if (!finished) {
      return;
    }
    const minutes = (value) => String(Math.max(0, Math.round(Number(value) || 0)));
    setField(form, "therapist_minutes", minutes(finished.therapistMinutes));
    setField(form, "aide_minutes", minutes(finished.awayMinutes));
    checkRadio(form, "other_patients", String(Math.min(Number(finished.otherPatients) || 0, MAX_OTHER_PATIENTS_ANSWER)));
    // "The whole time" needs the therapist to have been there for at least a minute that
    // counts: the form refuses "yes" together with 0 minutes.
    const wholeTime =
      finished.interruptions === 0 && finished.therapistCame && Number(finished.therapistMinutes) >= 1;
    checkRadio(form, "whole_time", wholeTime ? "yes" : "no");
    if (/^\d{4}-\d{2}$/.test(finished.visitedIn || "")) {
      setField(form, "visited_in", finished.visitedIn);
    }
    setField(form, "from_timer", "True");
    const notice = document.getElementById("timer-filled");
    if (notice) {
      notice.hidden = false;
    }
  }

  const timer = document.getElementById("visit-timer");
  if (timer) {
    startTimer(timer);
  }
  const form = document.getElementById("visit-form");
  if (form) {
    fillReportForm(form);
  }
})();
