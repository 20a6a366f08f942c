// Choice results: how many chose each option, and what share of those who answered.
// On the phone's form, before Send: a counter ("5 av 8 valgt"), a tick beyond the most the
// question takes refused at once beside it, and an exclusive option ("none of these") that
// says so when it unticks the others, or is unticked by them. The rules are the domain's
// (workshop/domain/question_types/choice.py phone_view, as data-* attributes); the server
// still decides on Send.
(function () {
  "use strict";
  var types = window.WorkshopTypes;
  // A table's answer is what more than half of it chose; an option exactly half chose is
  // marked so (aggregate.majority's tie: "½ bordet", as the board's ½ cell), not as a
  // shared place.
  var renderer = types.barsRenderer(function (o) {
    return [String(o.count), Math.round(o.share * 100) + " %"];
  }, { tie: function (t) { return t("half-table"); } });

  function parts(form) {
    var set = form.querySelector("fieldset.choices");
    return {
      set: set,
      max: parseInt(set.getAttribute("data-max"), 10) || 1,
      boxes: Array.prototype.slice.call(set.querySelectorAll("input[type=checkbox]")),
      writeIn: form.querySelector("input[name=write_in]")
    };
  }

  // What check_answer counts: the ticked options and a written-in answer.
  function counted(p) {
    var n = p.boxes.filter(function (b) { return b.checked; }).length;
    return n + (p.writeIn && p.writeIn.value.trim() ? 1 : 0);
  }

  function updateCounter(form, p) {
    var counter = form.querySelector(".choice-counter");
    if (!counter) { return; }
    var n = counted(p);
    counter.textContent = types.fill(p.set.getAttribute("data-counter"), { n: n });
    counter.classList.toggle("full", n === p.max);
    counter.classList.toggle("error", n > p.max);
  }

  // One note per form, right after what the participant just touched.
  function note(form, after, text, isError) {
    var box = form.querySelector(".choice-note");
    if (!box) {
      box = document.createElement("p");
      box.className = "choice-note";
    }
    if (!text) { box.hidden = true; box.textContent = ""; return; }
    after.parentNode.insertBefore(box, after.nextSibling);
    box.hidden = false;
    box.textContent = text;
    box.setAttribute("role", isError ? "alert" : "status");
    box.classList.toggle("error", !!isError);
    // Below the option just tapped, which may be the last on the screen: bring it into view.
    if (box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
  }

  function ticked(form, box, event) {
    var p = parts(form);
    var label = box.closest("label") || box;
    note(form, label, "");
    if (box.checked) {
      if (box.hasAttribute("data-exclusive")) {
        var cleared = p.boxes.filter(function (b) { return b !== box && b.checked; });
        cleared.forEach(function (b) { b.checked = false; });
        var wrote = p.writeIn && p.writeIn.value.trim();
        if (wrote) { p.writeIn.value = ""; }
        if (cleared.length || wrote) { note(form, label, box.getAttribute("data-cleared-others"), false); }
      } else if (p.max === 1) {
        p.boxes.forEach(function (b) { if (b !== box) { b.checked = false; } });  // one: the new one
      } else {
        p.boxes.forEach(function (b) {
          if (b !== box && b.checked && b.hasAttribute("data-exclusive")) {
            b.checked = false;
            note(form, label, b.getAttribute("data-cleared-self"), false);
          }
        });
        if (counted(p) > p.max) {
          box.checked = false;
          event.preventDefault();  // refused at once: the box stays unticked
          note(form, label, p.set.getAttribute("data-too-many"), true);
        }
      }
    }
    updateCounter(form, p);
  }

  function typed(form, input) {
    var p = parts(form);
    note(form, input, "");
    if (input.value.trim()) {
      p.boxes.forEach(function (b) {
        if (b.checked && b.hasAttribute("data-exclusive")) {
          b.checked = false;
          note(form, input, b.getAttribute("data-cleared-self"), false);
        }
      });
      if (counted(p) > p.max) { note(form, input, p.set.getAttribute("data-too-many"), true); }
    }
    updateCounter(form, p);
  }

  renderer.form = {
    init: function (form) { updateCounter(form, parts(form)); },
    click: function (form, event) {
      var box = event.target;
      if (box.type === "checkbox" && box.closest("fieldset.choices")) { ticked(form, box, event); }
    },
    input: function (form, event) {
      if (event.target.name === "write_in") { typed(form, event.target); }
    }
  };
  types.register("choice", renderer);
})();
