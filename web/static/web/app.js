// Continuity Studio: small enhancements over plain HTML forms (every page works without them).
(function () {
  "use strict";

  // A/B flip on a key press (F) or the button; wipe slider over two stacked images.
  function setUpCompare(root) {
    root.querySelectorAll("[data-flip]").forEach(function (flip) {
      var a = flip.querySelector("[data-flip-a]"), b = flip.querySelector("[data-flip-b]");
      var button = flip.querySelector("[data-flip-button]");
      var labelA = button.textContent, labelB = labelA.replace(/Showing A \(v(\d+)\)/, "Showing B");
      function toggle() {
        var showB = b.hidden;
        b.hidden = !showB; a.hidden = showB;
        button.setAttribute("aria-pressed", String(showB));
        button.textContent = showB ? labelB : labelA;
      }
      button.addEventListener("click", toggle);
      flip.addEventListener("keydown", function (event) {
        if ((event.key === "f" || event.key === "F") && !event.ctrlKey && !event.metaKey) { event.preventDefault(); toggle(); }
      });
    });
    root.querySelectorAll("[data-wipe]").forEach(function (wipe) {
      var range = wipe.querySelector("[data-wipe-range]"), top = wipe.querySelector(".wipe-top");
      range.addEventListener("input", function () { top.style.clipPath = "inset(0 0 0 " + range.value + "%)"; });
    });
  }

  // Drag and drop onto the file input's zone (the input itself still works by keyboard).
  function setUpDropzones(root) {
    root.querySelectorAll("[data-dropzone]").forEach(function (zone) {
      var input = zone.querySelector("input[type=file]"), list = zone.querySelector("[data-dropzone-list]");
      function show() { list.textContent = Array.from(input.files).map(function (f) { return f.name; }).join(", "); }
      zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault(); zone.classList.remove("over");
        var files = new DataTransfer();
        Array.from(input.files).concat(Array.from(e.dataTransfer.files)).forEach(function (f) { files.items.add(f); });
        input.files = files.files; show();
      });
      input.addEventListener("change", show);
    });
  }

  // The lineage graph, drawn with the vendored cytoscape; a node click opens its page.
  function setUpGraph(root) {
    var box = root.querySelector("[data-graph]"), data = document.getElementById("graph-data");
    if (!box || !data || typeof window.cytoscape !== "function") { return; }
    var graph = JSON.parse(data.textContent);
    var elements = graph.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label + "\n" + n.type, page: n.page, type: n.type, centre: n.id === graph.node } };
    }).concat(graph.edges.map(function (e, i) { return { data: { id: "e" + i, source: e.from, target: e.to, label: e.type } }; }));
    var cy = window.cytoscape({
      container: box, elements: elements, layout: { name: "breadthfirst", directed: true, spacingFactor: 1.1 },
      style: [
        { selector: "node", style: { label: "data(label)", "text-wrap": "wrap", "font-size": 9, "text-valign": "center",
          "background-color": "#e8eef9", "border-width": 1, "border-color": "#14213d", shape: "round-rectangle", width: 110, height: 36 } },
        { selector: "node[?centre]", style: { "border-width": 3, "background-color": "#fdf0d2" } },
        { selector: "edge", style: { "curve-style": "bezier", "target-arrow-shape": "triangle", width: 1, "line-color": "#555",
          "target-arrow-color": "#555", label: "data(label)", "font-size": 7 } }
      ]
    });
    cy.on("tap", "node", function (event) { var page = event.target.data("page"); if (page) { window.location.href = page; } });
  }

  // A clip's frame stepping: the buttons (or the , and . keys) pause and move one frame at the clip's fps.
  function setUpClips(root) {
    root.querySelectorAll("[data-clip]").forEach(function (clip) {
      var video = clip.querySelector("video"), output = clip.querySelector("[data-frame]");
      if (!video || !output) { return; }
      var fps = Number(clip.dataset.fps), frames = Number(clip.dataset.frames);
      function frame() { return Math.min(frames - 1, Math.floor(video.currentTime * fps + 1e-3)); }
      function show() { output.textContent = "Frame " + (frame() + 1) + " of " + frames; }
      // The blob endpoint answers no Range requests, so a browser cannot seek a streamed clip: play it from
      // memory instead (clips are short); without this script the <video> still plays from its URL.
      var loaded = fetch(video.currentSrc || video.src, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.blob() : null; })
        .then(function (blob) { if (blob) { video.src = URL.createObjectURL(blob); } });
      function step(by) {
        video.pause();
        loaded.then(function () {
          var next = Math.max(0, Math.min(frames - 1, frame() + by));
          video.currentTime = (next + 0.5) / fps;  // mid-frame, so rounding never lands on a neighbour
        });
      }
      clip.querySelectorAll("[data-step]").forEach(function (button) {
        button.addEventListener("click", function () { step(Number(button.dataset.step)); });
      });
      clip.addEventListener("keydown", function (event) {
        if (event.key === "," || event.key === ".") { event.preventDefault(); step(event.key === "," ? -1 : 1); }
      });
      video.addEventListener("seeked", show);
      video.addEventListener("timeupdate", show);
    });
  }

  function setUp(root) { setUpCompare(root); setUpDropzones(root); setUpGraph(root); setUpClips(root); }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUpCompare(event.target); });
})();
