// screens/index.js - the registry of screens. A screen is a module under screens/ whose export
// (default: render) fills ctx.root; adding one is adding its module and one line here.
//   path:  the hash route, ':name' parts become ctx.params.name
//   load:  the module, loaded when first shown
//   view:  the export to call (default 'render')
//   nav:   the menu label key, with show(caps) deciding whether the menu lists it
//   needs: 'login' | 'stats' | 'userAdmin' | 'ops' - checked before the screen loads; the
//          server still decides every request
//   group: the menu group (below) that lists the screen instead of the top row of the menu
//   reg:   the register the caller must be able to read (GET /registries) for the menu entry
//          (in a group, show(caps) is asked too when given)

/** Groups of screens in the menu, after the registers (台账); shown when one of theirs is. */
export const groups = [
  { name: 'party', nav: 'nav.party' },
  { name: 'industry', nav: 'nav.industry' },
  { name: 'enterprise', nav: 'nav.ent' },
  { name: 'econ', nav: 'nav.econ' },
  { name: 'tasks', nav: 'nav.tasks' },
  { name: 'cadres', nav: 'nav.cadres' },
  { name: 'ledger', nav: 'nav.ledger' },
];

export const screens = [
  { path: 'report', load: () => import('./report.js'), nav: 'nav.report', show: () => true },
  { path: 'track', load: () => import('./track.js'), nav: 'nav.track', show: () => true },
  { path: 'track/:token', load: () => import('./track.js') },
  { path: 'offline', load: () => import('./offline.js') }, // 待发送: the header's badge links here
  { path: 'login', load: () => import('./login.js'), nav: 'nav.login', show: (c) => !c.login },
  { path: 'queues', load: () => import('./queues.js'), nav: 'nav.queues', show: (c) => c.login, needs: 'login' },
  { path: 'queues/:queue', load: () => import('./queues.js'), needs: 'login' },
  { path: 'cases', load: () => import('./queues.js'), view: 'renderCases', nav: 'nav.cases', show: (c) => c.login, needs: 'login' },
  { path: 'cases/:id', load: () => import('./case.js'), needs: 'login' },
  { path: 'places', load: () => import('./places.js'), nav: 'nav.places', show: (c) => c.login, needs: 'login' },
  { path: 'places/:code', load: () => import('./places.js'), needs: 'login' },
  { path: 'dashboard', load: () => import('./dashboard.js'), nav: 'nav.dashboard', show: (c) => c.stats, needs: 'stats' },
  { path: 'figures', load: () => import('../figures.js'), nav: 'nav.figures', show: (c) => c.stats, needs: 'stats' },
  // the grid smart-governance index: rankings per level and a place's breakdown (web/js/index.js)
  { path: 'index', load: () => import('../index.js'), view: 'renderRanking', nav: 'nav.index', show: (c) => c.stats, needs: 'stats' },
  { path: 'index/:code', load: () => import('../index.js'), view: 'renderPlace', needs: 'stats' },
  { path: 'admin/users', load: () => import('./admin-users.js'), nav: 'nav.users', show: (c) => c.userAdmin, needs: 'userAdmin' },
  { path: 'admin/catalog', load: () => import('./admin-catalog.js'), nav: 'nav.catalog', show: (c) => c.ops, needs: 'ops' },
  // the registers (台账): one generic screen driven by GET /registries; the menu lists them
  // under one heading (app.js), so these routes have no menu entry of their own
  { path: 'r/:reg', load: () => import('./registry.js'), needs: 'login' },
  { path: 'r/:reg/new', load: () => import('./registry.js'), view: 'renderForm', needs: 'login' },
  { path: 'r/:reg/import', load: () => import('./registry.js'), view: 'renderImport', needs: 'login' },
  { path: 'r/:reg/:key', load: () => import('./registry.js'), view: 'renderRecord', needs: 'login' },
  { path: 'r/:reg/:key/edit', load: () => import('./registry.js'), view: 'renderForm', needs: 'login' },
  // the party (党建): organisations and coverage, the matching of mobile members, a grid's page
  { path: 'party/orgs', load: () => import('./party-orgs.js'), nav: 'nav.party.orgs', group: 'party', reg: 'party-orgs', needs: 'login' },
  { path: 'party/matches', load: () => import('./party-matches.js'), nav: 'nav.party.matches', group: 'party', reg: 'mobile-matches', needs: 'login' },
  { path: 'party/grid', load: () => import('./party-grid.js'), view: 'renderPicker', nav: 'nav.party.grid', group: 'party', reg: 'party-orgs', needs: 'login' },
  { path: 'party/grid/:code', load: () => import('./party-grid.js'), needs: 'login' },
  // industry platforms and projects (../platform.js)
  { path: 'platforms', load: () => import('../platform.js'), view: 'renderPlatforms', nav: 'nav.platforms', group: 'industry', reg: 'platforms', needs: 'login' },
  { path: 'platforms/:id', load: () => import('../platform.js'), view: 'renderPlatform', needs: 'login' },
  { path: 'projects', load: () => import('../platform.js'), view: 'renderProjects', nav: 'nav.projects', group: 'industry', reg: 'projects', needs: 'login' },
  // the enterprise service (驻企服务): enterprises with their visits and cases, a cadre's own
  { path: 'ent', load: () => import('../enterprise.js'), nav: 'nav.ent.list', group: 'enterprise', reg: 'enterprises', needs: 'login' },
  { path: 'ent/mine', load: () => import('../enterprise.js'), view: 'renderMine', nav: 'nav.ent.mine', group: 'enterprise', reg: 'visits', show: (c) => c.cadre, needs: 'login' },
  { path: 'ent/:id', load: () => import('../enterprise.js'), view: 'renderOne', needs: 'login' },
  { path: 'ent/:id/visit', load: () => import('../enterprise.js'), view: 'renderVisit', needs: 'login' },
  // 共富工坊 and the micro-governance task boards (web/js/workshop.js)
  { path: 'econ/workshops', load: () => import('../workshop.js'), view: 'renderWorkshops', nav: 'nav.econ.workshops', group: 'econ', reg: 'workshops', needs: 'login' },
  { path: 'econ/workshops/:id', load: () => import('../workshop.js'), view: 'renderWorkshop', needs: 'login' },
  { path: 'tasks/board', load: () => import('../workshop.js'), view: 'renderBoard', nav: 'nav.tasks.board', group: 'tasks', reg: 'task-targets', needs: 'login' },
  // 网格管理十条标准: a grid's month ticked by its office (web/js/standards.js)
  { path: 'standards', load: () => import('../standards.js'), nav: 'nav.tasks.standards', group: 'tasks', reg: 'standard-checks', needs: 'login' },
  // cadres and alliances (干部与联建, web/js/cadres.js): one module, a view per screen
  { path: 'cadres/people', load: () => import('../cadres.js'), view: 'renderCadres', nav: 'nav.cadres.people', group: 'cadres', reg: 'cadres', needs: 'login' },
  { path: 'cadres/people/:id', load: () => import('../cadres.js'), view: 'renderCadre', needs: 'login' },
  { path: 'cadres/frontline', load: () => import('../cadres.js'), view: 'renderFrontline', nav: 'nav.cadres.frontline', group: 'cadres', reg: 'deployments', needs: 'login' },
  { path: 'cadres/competitions', load: () => import('../cadres.js'), view: 'renderCompetitions', nav: 'nav.cadres.competitions', group: 'cadres', reg: 'competitions', needs: 'login' },
  { path: 'cadres/competitions/:id', load: () => import('../cadres.js'), view: 'renderCompetition', needs: 'login' },
  { path: 'cadres/boards', load: () => import('../cadres.js'), view: 'renderBoards', nav: 'nav.cadres.boards', group: 'cadres', reg: 'mentorships', needs: 'login' },
  { path: 'cadres/alliances', load: () => import('../cadres.js'), view: 'renderAlliances', nav: 'nav.cadres.alliances', group: 'cadres', reg: 'alliances', needs: 'login' },
  { path: 'cadres/alliances/:id', load: () => import('../cadres.js'), view: 'renderAlliance', needs: 'login' },
  // the accounts under the street's approval (社账街管): web/js/ledger.js
  { path: 'ledger', load: () => import('../ledger.js'), nav: 'nav.ledger.book', group: 'ledger', reg: 'ledger-entries', needs: 'login' },
  { path: 'ledger/queue', load: () => import('../ledger.js'), view: 'renderQueue', nav: 'nav.ledger.queue', group: 'ledger', reg: 'ledger-entries', needs: 'login' },
  { path: 'ledger/income', load: () => import('../ledger.js'), view: 'renderIncome', nav: 'nav.ledger.income', group: 'ledger', reg: 'ledger-entries', needs: 'login' },
  { path: 'ledger/e/:id', load: () => import('../ledger.js'), view: 'renderEntry', needs: 'login' },
  { path: 'admin/calendar', load: () => import('./admin-calendar.js'), nav: 'nav.calendar', show: (c) => c.ops, needs: 'ops' },
];
