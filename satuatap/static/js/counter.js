// The counter screen: find the donor with the keyboard, add lines, see the running total, save.
// Loaded after htmx (both deferred). No inline scripts: everything the page needs is in data-*.
(() => {
  "use strict";

  const saved = document.querySelector("[data-counter-saved]");
  if (saved) {
    // After saving: F2 or Alt+N starts the next donor.
    document.addEventListener("keydown", (event) => {
      if (event.key === "F2" || (event.altKey && !event.ctrlKey && event.code === "KeyN")) {
        event.preventDefault();
        window.location.assign(saved.dataset.nextUrl);
      }
    });
    return;
  }

  const form = document.querySelector("form[data-counter]");
  if (!form) return;

  // --- rupiah ------------------------------------------------------------------------------------
  const digitsOf = (text) => (text || "").replace(/\D/g, "");
  const group = (digits) => digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  const rupiah = (amount) => "Rp" + group(String(Math.max(0, Math.round(amount))));
  const amountOf = (input) => {
    const digits = digitsOf((input.value || "").replace(/,\d{1,2}$/, ""));
    return digits ? parseInt(digits, 10) : 0;
  };

  function formatAmountInput(input) {
    const caret = input.selectionStart ?? input.value.length;
    const digitsBefore = digitsOf(input.value.slice(0, caret)).length;
    const formatted = group(digitsOf(input.value.replace(/,\d{0,2}$/, "")));
    if (formatted === input.value) return;
    input.value = formatted;
    let position = 0;
    for (let seen = 0; position < formatted.length && seen < digitsBefore; position += 1) {
      if (/\d/.test(formatted[position])) seen += 1;
    }
    input.setSelectionRange(position, position);
  }

  // --- lines -------------------------------------------------------------------------------------
  const linesBox = form.querySelector("[data-lines]");
  const lineTemplate = document.getElementById("line-template");
  const totalForms = form.querySelector("input[name='lines-TOTAL_FORMS']");
  const maxLines = parseInt(form.dataset.maxLines || "20", 10);
  const totalOutput = form.querySelector("[data-total]");
  const channelSelect = form.querySelector("[data-channel]");
  const dateInput = form.querySelector("[data-date]");
  const bankChannels = (form.dataset.bankChannels || "").split(" ");
  let fitrahRate = form.dataset.fitrahRate ? parseInt(form.dataset.fitrahRate, 10) : null;

  const rows = () => Array.from(linesBox.querySelectorAll("[data-line]"));

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
        for (const attr of ["name", "id", "for", "aria-describedby"]) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/lines-(\d+|__prefix__)-/g, `lines-${index}-`));
        }
      });
      const badge = row.querySelector("[data-line-number]");
      if (badge) badge.textContent = String(index + 1);
    });
    totalForms.value = String(rows().length);
  }

  function syncLine(row) {
    const kind = row.querySelector("[data-kind]").value;
    const fitrah = kind === "zakat_fitrah";
    const personsBox = row.querySelector("[data-persons-box]");
    const amount = row.querySelector("[data-rupiah]");
    const hint = row.querySelector("[data-fitrah-hint]");
    personsBox.hidden = !fitrah;
    amount.readOnly = fitrah;
    hint.textContent = "";
    if (fitrah) {
      const persons = parseInt(row.querySelector("[data-persons]").value || "0", 10);
      if (fitrahRate) {
        amount.value = persons > 0 ? group(String(persons * fitrahRate)) : "";
        hint.textContent = `${rupiah(fitrahRate)} ${form.dataset.msgPerPerson}`;
      } else {
        amount.value = "";
        hint.textContent = form.dataset.msgNoRate;
      }
    }
    row.querySelectorAll("[data-goods]").forEach((goods) => {
      goods.hidden = channelSelect.value !== "in_kind";
    });
  }

  function updateTotal() {
    const sum = rows().reduce((acc, row) => acc + amountOf(row.querySelector("[data-rupiah]")), 0);
    totalOutput.textContent = rupiah(sum);
  }

  function addLine() {
    if (rows().length >= maxLines) return;
    linesBox.appendChild(lineTemplate.content.cloneNode(true));
    renumber();
    const row = rows().at(-1);
    syncLine(row);
    row.querySelector("[data-kind]").focus();
  }

  function removeLine(row) {
    const all = rows();
    const index = all.indexOf(row);
    if (all.length === 1) {
      row.querySelectorAll("input, select").forEach((el) => {
        el.value = "";
      });
      syncLine(row);
    } else {
      row.remove();
      renumber();
    }
    updateTotal();
    const left = rows();
    left[Math.min(index, left.length - 1)].querySelector("[data-kind]").focus();
  }

  function syncChannel() {
    const bankFields = form.querySelector("[data-bank-fields]");
    bankFields.hidden = !bankChannels.includes(channelSelect.value);
    rows().forEach(syncLine);
    updateTotal();
  }

  linesBox.addEventListener("input", (event) => {
    if (event.target.matches("[data-rupiah]")) formatAmountInput(event.target);
    if (event.target.matches("[data-persons]")) syncLine(event.target.closest("[data-line]"));
    updateTotal();
  });
  linesBox.addEventListener("change", (event) => {
    if (event.target.matches("[data-kind], [data-persons]")) {
      syncLine(event.target.closest("[data-line]"));
      updateTotal();
    }
  });
  linesBox.addEventListener("click", (event) => {
    const button = event.target.closest("[data-line-remove]");
    if (button) removeLine(button.closest("[data-line]"));
  });
  form.querySelector("[data-line-add]").addEventListener("click", addLine);
  channelSelect.addEventListener("change", syncChannel);
  dateInput.addEventListener("change", () => {
    const url = `${form.dataset.fitrahUrl}?date=${encodeURIComponent(dateInput.value)}`;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { per_person: null }))
      .then((data) => {
        fitrahRate = data.per_person;
        rows().forEach(syncLine);
        updateTotal();
      })
      .catch(() => {});
  });

  // --- donor: search as you type, arrows + Enter to pick, or register inline ---------------------
  const selected = document.getElementById("donor-selected");
  const findBox = document.getElementById("donor-find");
  const search = document.getElementById("donor-search");
  const results = document.getElementById("donor-results");
  const registerBox = document.getElementById("donor-register");
  let active = -1;

  const options = () => Array.from(results.querySelectorAll("[data-donor-option]"));

  function setActive(index) {
    const all = options();
    all.forEach((option, i) => {
      option.classList.toggle("active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && all[index]) {
      search.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function closeResults() {
    results.innerHTML = "";
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function firstEmptyKind() {
    const kinds = rows().map((row) => row.querySelector("[data-kind]"));
    return kinds.find((select) => !select.value) || kinds[0];
  }

  function donorChosen() {
    findBox.hidden = true;
    if (registerBox) registerBox.hidden = true;
    closeResults();
    search.value = "";
    search.classList.remove("is-invalid");
    form.querySelectorAll("[data-testid='donor-error']").forEach((el) => el.remove());
    firstEmptyKind().focus();
  }

  function pick(option) {
    selected.replaceChildren(option.querySelector("template").content.cloneNode(true));
    donorChosen();
  }

  function findDonor() {
    findBox.hidden = false;
    if (registerBox) registerBox.hidden = true;
    search.focus();
    search.select();
  }

  search.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (all.length) setActive(Math.min(active + 1, all.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (all.length) setActive(Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0 && all[active]) pick(all[active]);
    } else if (event.key === "Escape") {
      closeResults();
    }
  });
  results.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[data-donor-option]");
    if (option) {
      event.preventDefault();
      pick(option);
    }
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === results) {
      const count = results.children.length;
      results.hidden = count === 0 || !search.value.trim();
      search.setAttribute("aria-expanded", results.hidden ? "false" : "true");
      setActive(options().length ? 0 : -1);
    } else if (registerBox && event.detail.target === registerBox) {
      const invalid = registerBox.querySelector(".is-invalid");
      if (invalid) invalid.focus();
    }
  });
  selected.addEventListener("click", (event) => {
    if (event.target.closest("[data-donor-change]")) findDonor();
  });

  function openRegister() {
    if (!registerBox) return;
    registerBox.hidden = false;
    closeResults();
    const name = registerBox.querySelector("input[name='new-full_name']");
    if (name && !name.value && search.value.trim() && !/\d/.test(search.value)) name.value = search.value.trim();
    if (name) name.focus();
  }

  if (registerBox) {
    form.querySelector("[data-register-toggle]").addEventListener("click", () => {
      if (registerBox.hidden) openRegister();
      else findDonor();
    });
    registerBox.addEventListener("click", (event) => {
      if (event.target.closest("[data-register-cancel]")) findDonor();
      // The registration repeats a donor: choosing that donor replaces registering a second one.
      const duplicate = event.target.closest("[data-duplicate-pick]");
      if (duplicate) pick(duplicate.closest("[data-donor-option]"));
    });
    registerBox.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input")) {
        event.preventDefault();
        registerBox.querySelector("[data-register-submit]").click();
      } else if (event.key === "Escape") {
        findDonor();
      }
    });
    document.body.addEventListener("counter:donor-picked", donorChosen);
  }

  // --- keyboard: shortcuts, no accidental submit, save once ---------------------------------------
  const saveButton = form.querySelector("[data-save]");

  form.addEventListener("keydown", (event) => {
    // Enter in a field does not save (Ctrl+Enter does): a half-entered donation is never sent.
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && event.target.matches("input, select")) {
      if (event.target !== search && !(registerBox && registerBox.contains(event.target))) event.preventDefault();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!form.dataset.busy) form.requestSubmit(saveButton);
    } else if (event.key === "F2") {
      event.preventDefault();
      findDonor();
    } else if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const actions = {
        KeyN: addLine,
        KeyX: () => removeLine(document.activeElement.closest("[data-line]") || rows().at(-1)),
        KeyP: () => channelSelect.focus(),
        KeyR: openRegister,
      };
      if (actions[event.code]) {
        event.preventDefault();
        actions[event.code]();
      }
    }
  });

  form.addEventListener("submit", (event) => {
    if (form.dataset.busy) {
      event.preventDefault();
      return;
    }
    form.dataset.busy = "1";
    window.setTimeout(() => {
      saveButton.disabled = true;
    }, 0);
  });
  window.addEventListener("pageshow", () => {
    delete form.dataset.busy;
    saveButton.disabled = false;
  });

  // First paint: lines, channel and total as the server rendered them (after an error too).
  rows().forEach((row) => {
    const amount = row.querySelector("[data-rupiah]");
    if (amount.value) formatAmountInput(amount);
  });
  syncChannel();
  if (!findBox.hidden) search.focus();
  else {
    const invalid = form.querySelector(".is-invalid");
    (invalid || firstEmptyKind()).focus();
  }
})();
