// The plotly.js partial bundle served as static/js/plotly.min.js: the core (which holds the
// scatter trace) and only the traces static/js/department.js and compare.js draw. A chart of a
// new type needs its trace added here and `make plotly` run again.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/sunburst'),
    require('plotly.js/lib/treemap'),
]);

module.exports = Plotly;
