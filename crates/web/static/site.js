// Small enhancements only: every page works without this file.
// A form that creates something (checkout, an incident) disables its button once sent, so an
// impatient second click does not even leave the browser (the server makes one order anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
    return;
  }
  var buttons = form.querySelectorAll("button[type=submit]");
  window.setTimeout(function () {
    buttons.forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  }, 0);
});

// The support queue with the keyboard: j and k move between incidents, o or Enter opens the
// one chosen, c takes it. Without this file the queue is a table of links and buttons, which
// the Tab key walks as well.
(function () {
  var queue = document.querySelector("[data-queue]");
  if (!queue) {
    return;
  }
  var rows = Array.prototype.slice.call(queue.querySelectorAll("tr[data-row]"));
  var current = -1;
  function choose(index) {
    if (rows.length === 0) {
      return;
    }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) {
      row.classList.toggle("current", i === current);
    });
    rows[current].querySelector("[data-open]").focus();
  }
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () {
      current = i;
      rows.forEach(function (other, j) {
        other.classList.toggle("current", j === current);
      });
    });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey ||
        (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      return;
    }
    if (event.key === "j") {
      choose(current + 1);
    } else if (event.key === "k") {
      choose(current < 0 ? 0 : current - 1);
    } else if (event.key === "o" && current >= 0) {
      rows[current].querySelector("[data-open]").click();
    } else if (event.key === "c" && current >= 0) {
      var claim = rows[current].querySelector("form[data-claim]");
      if (claim) {
        claim.requestSubmit();
      }
    } else {
      return;
    }
    event.preventDefault();
  });
})();
