/* The display board: polls its feed about every 700 ms (after the last event seen), shows each
   new call big, rings a chime (WebAudio) and speaks it in Indonesian (speechSynthesis, id-ID).
   After a network drop it keeps trying, more slowly, and catches up with what it missed. */
(function () {
  "use strict";
  var body = document.body;
  var feed = body.getAttribute("data-feed");
  var after = parseInt(body.getAttribute("data-after") || "0", 10) || 0;
  var delay = 700;
  var announcing = [];
  var speaking = false;
  var audio = null;
  var soundOn = false;
  var online = document.getElementById("board-online");

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function clock() {
    var now = new Date();
    var hh = String(now.getHours()).padStart(2, "0");
    var mm = String(now.getMinutes()).padStart(2, "0");
    text("board-clock", hh + ":" + mm);
    try {
      text("board-date", now.toLocaleDateString("id-ID", {weekday: "long", day: "numeric", month: "long", year: "numeric"}));
    } catch (e) { /* old browser: no date line */ }
  }

  function chime(done) {
    if (!soundOn || !audio) { done(); return; }
    try {
      var t = audio.currentTime;
      [[659.25, 0], [523.25, 0.45]].forEach(function (note) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, t + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.4, t + note[1] + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 0.8);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + note[1]);
        osc.stop(t + note[1] + 0.85);
      });
    } catch (e) { /* no audio: the call still shows */ }
    setTimeout(done, 1300);
  }

  function speak(words, done) {
    if (!soundOn || !("speechSynthesis" in window)) { done(); return; }
    try {
      var u = new SpeechSynthesisUtterance(words);
      u.lang = "id-ID";
      u.rate = 0.9;
      var voices = window.speechSynthesis.getVoices() || [];
      for (var i = 0; i < voices.length; i++) {
        if ((voices[i].lang || "").toLowerCase().indexOf("id") === 0) { u.voice = voices[i]; break; }
      }
      var finished = false;
      var end = function () { if (!finished) { finished = true; done(); } };
      u.onend = end;
      u.onerror = end;
      setTimeout(end, 9000);
      window.speechSynthesis.speak(u);
    } catch (e) { done(); }
  }

  function next() {
    if (speaking || !announcing.length) return;
    speaking = true;
    var call = announcing.shift();
    text("board-now-number", call.label);
    text("board-now-counter", (document.getElementById("board-counters").getAttribute("data-label") || "Loket") + " " + call.counter);
    text("board-now-service", call.service);
    body.classList.add("sa-board-flash");
    setTimeout(function () { body.classList.remove("sa-board-flash"); }, 2500);
    chime(function () {
      speak(call.say, function () { speaking = false; next(); });
    });
  }

  function counters(list) {
    var ol = document.getElementById("board-counters");
    var label = ol.getAttribute("data-label") || "Loket";
    ol.textContent = "";
    list.forEach(function (c) {
      var li = document.createElement("li");
      li.className = "sa-board-counter sa-board-" + c.status;
      li.setAttribute("data-counter", c.number);
      var name = document.createElement("span");
      name.className = "sa-board-counter-name";
      name.textContent = label + " " + c.number;
      var ticket = document.createElement("span");
      ticket.className = "sa-board-counter-ticket";
      ticket.textContent = c.label || "—";
      var status = document.createElement("span");
      status.className = "sa-board-counter-status";
      status.textContent = c.status === "open" ? "" : c.status_label;
      li.appendChild(name); li.appendChild(ticket); li.appendChild(status);
      ol.appendChild(li);
    });
  }

  function lines(list) {
    var ul = document.getElementById("board-lines");
    ul.textContent = "";
    list.forEach(function (line) {
      var li = document.createElement("li");
      li.setAttribute("data-line", line.prefix);
      var letter = document.createElement("span");
      letter.className = "sa-board-line-letter";
      letter.textContent = line.prefix;
      var name = document.createElement("span");
      name.className = "sa-board-line-name";
      name.textContent = line.name;
      var n = document.createElement("strong");
      n.className = "sa-board-line-n";
      n.textContent = line.waiting;
      li.appendChild(letter); li.appendChild(name); li.appendChild(n);
      ul.appendChild(li);
    });
  }

  function status(ok) {
    if (!online) return;
    online.textContent = online.getAttribute(ok ? "data-online" : "data-offline");
    online.classList.toggle("sa-board-offline", !ok);
    body.setAttribute("data-online", ok ? "1" : "0");
  }

  function poll() {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 5000);
    fetch(feed + "?after=" + after, {cache: "no-store", credentials: "same-origin", signal: controller ? controller.signal : undefined})
      .then(function (r) {
        if (r.status === 429) { delay = 3000; throw new Error("throttled"); }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        status(true);
        delay = 700;
        (data.calls || []).forEach(function (call) { if (call.id > after) announcing.push(call); });
        if (data.last_id > after) after = data.last_id;
        counters(data.counters || []);
        lines(data.lines || []);
        next();
      })
      .catch(function () {
        status(false);
        delay = Math.min(delay * 2, 5000);
      })
      .then(function () {
        clearTimeout(timer);
        setTimeout(poll, delay);
      });
  }

  var button = document.getElementById("board-sound");
  if (button) {
    button.addEventListener("click", function () {
      soundOn = true;
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
      button.textContent = button.getAttribute("data-on");
      button.classList.add("sa-board-sound-on");
      if (document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    });
  }
  clock();
  setInterval(clock, 1000);
  poll();
})();
