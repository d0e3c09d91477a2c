"""Routes of the workbench, one module per group of pages; each route reads its parameters
(:mod:`suasion.web.params`), calls the public API (:mod:`suasion.web.queries`) and renders."""
