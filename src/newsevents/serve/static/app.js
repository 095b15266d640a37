// newsevents dashboard: the little that needs script. Everything works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Filter forms: leave blank fields out of the URL, so links stay short and shareable.
  for (const form of document.querySelectorAll("form.filters")) {
    form.addEventListener("submit", () => {
      for (const field of form.querySelectorAll("input, select")) {
        if (field.name && field.value === "" && field.type !== "checkbox") field.disabled = true;
      }
    });
  }
  // Table rows with data-href open their page (the first cell holds a real link too).
  for (const row of document.querySelectorAll("tr[data-href]")) {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a") || window.getSelection().toString()) return;
      window.location.href = row.dataset.href;
    });
  }
});
