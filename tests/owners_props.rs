//! Property tests of owner references (§8, §14.5): for random teams, roles,
//! `also` lists and references, the resolver names exactly the people a
//! brute-force expansion of the written YAML names, `distinct-owners` fires
//! exactly where the brute-force sets overlap, and every finding about a
//! reference lies on a reference its message names.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proptest::prelude::*;

use steward::check::{self, CheckOptions, Outcome};
use steward::load::{self, LoadOptions};
use steward::reference::Reference;
use steward::resolve::{resolve, Via};

/// The last person and team are never defined; the last role nobody holds.
const PEOPLE: [&str; 7] = ["ann", "bob", "cem", "dia", "eli", "fay", "zed"];
const TEAMS: [&str; 4] = ["alpha", "beta", "gamma", "nowhere"];
const ROLES: [&str; 3] = ["lead", "analyst", "boss"];

#[derive(Debug, Clone)]
struct Instance {
    /// How many of TEAMS are defined (the first ones).
    teams: usize,
    /// Per person (but the last): the index of the team that defines them,
    /// or `teams` for nobody.
    home: Vec<usize>,
    /// Per person: a bit per role of ROLES (the last never set).
    roles: Vec<u8>,
    /// Per team: people (indices into PEOPLE, maybe undefined) in `also`.
    also: Vec<Vec<usize>>,
    pipelines: Vec<PipelineSpec>,
}

#[derive(Debug, Clone)]
struct PipelineSpec {
    primary: Vec<Reference>,
    secondary: Vec<Reference>,
    /// Written as a single string when the list has one entry.
    single: bool,
    raci: Option<RaciSpec>,
}

#[derive(Debug, Clone)]
struct RaciSpec {
    responsible: Vec<Reference>,
    accountable: Reference,
    consulted: Vec<Reference>,
    informed: Vec<Reference>,
}

fn reference() -> impl Strategy<Value = Reference> {
    prop_oneof![
        (0..PEOPLE.len()).prop_map(|p| Reference::Member(PEOPLE[p].into())),
        (0..TEAMS.len()).prop_map(|t| Reference::Team(TEAMS[t].into())),
        (0..TEAMS.len(), 0..ROLES.len()).prop_map(|(t, r)| Reference::role_of(TEAMS[t], ROLES[r])),
    ]
}

/// 1..=max distinct references (the schema wants lists without repeats).
fn references(min: usize, max: usize) -> impl Strategy<Value = Vec<Reference>> {
    prop::collection::vec(reference(), min..=max).prop_map(|mut refs| {
        let mut seen = BTreeSet::new();
        refs.retain(|r| seen.insert(r.to_string()));
        refs
    })
}

fn pipeline() -> impl Strategy<Value = PipelineSpec> {
    let raci = (
        references(1, 2),
        reference(),
        references(0, 2),
        references(0, 2),
    )
        .prop_map(|(responsible, accountable, consulted, informed)| RaciSpec {
            responsible,
            accountable,
            consulted,
            informed,
        });
    (
        references(1, 3),
        references(1, 3),
        any::<bool>(),
        prop::option::of(raci),
    )
        .prop_map(|(primary, secondary, single, raci)| PipelineSpec {
            primary,
            secondary,
            single,
            raci,
        })
}

fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=3).prop_flat_map(|teams| {
        let defined = PEOPLE.len() - 1;
        (
            prop::collection::vec(0..=teams, defined),
            prop::collection::vec(0u8..4, PEOPLE.len()),
            prop::collection::vec(prop::collection::btree_set(0..PEOPLE.len(), 0..3), teams),
            prop::collection::vec(pipeline(), 1..=3),
        )
            .prop_map(move |(home, roles, also, pipelines)| Instance {
                teams,
                home,
                roles,
                also: also.into_iter().map(|s| s.into_iter().collect()).collect(),
                pipelines,
            })
    })
}

impl Instance {
    fn defined(&self, person: usize) -> bool {
        self.home.get(person).is_some_and(|t| *t < self.teams)
    }

    fn roles_of(&self, person: usize) -> Vec<&'static str> {
        (0..ROLES.len())
            .filter(|r| self.defined(person) && self.roles[person] & (1 << r) != 0)
            .map(|r| ROLES[r])
            .collect()
    }

    /// The brute-force expansion: person -> how they are reached, straight
    /// from the generated data; `None` when the reference names nobody.
    fn expand(&self, reference: &Reference) -> Option<BTreeMap<&'static str, Via>> {
        let index = |name: &str, list: &[&str]| list.iter().position(|x| *x == name);
        let mut out = BTreeMap::new();
        match reference {
            Reference::Member(id) => {
                let p = index(id, &PEOPLE)?;
                if self.defined(p) {
                    out.insert(PEOPLE[p], Via::Direct);
                }
            }
            Reference::Team(_) | Reference::Role(_) => {
                let team = reference.team().unwrap_or_default();
                let t = index(team, &TEAMS).filter(|t| *t < self.teams)?;
                for (p, person) in PEOPLE.iter().enumerate() {
                    if self.defined(p) && self.home[p] == t {
                        out.insert(*person, Via::Member);
                    }
                }
                for (i, p) in self.also[t].iter().enumerate() {
                    if self.defined(*p) {
                        out.entry(PEOPLE[*p]).or_insert(Via::Also(i));
                    }
                }
                if let Some(role) = reference.role() {
                    out.retain(|person, _| {
                        let p = index(person, &PEOPLE).unwrap_or(usize::MAX);
                        self.roles_of(p).contains(&role)
                    });
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut teams = String::new();
        for (t, team) in TEAMS.iter().enumerate().take(self.teams) {
            teams.push_str(&format!(
                "---\napiVersion: steward/v1\nkind: Team\nid: {team}\n"
            ));
            if !self.also[t].is_empty() {
                let also: Vec<&str> = self.also[t].iter().map(|p| PEOPLE[*p]).collect();
                teams.push_str(&format!("also: [{}]\n", also.join(", ")));
            }
            let members: Vec<usize> = (0..PEOPLE.len())
                .filter(|p| self.defined(*p) && self.home[*p] == t)
                .collect();
            if members.is_empty() {
                teams.push_str("members: []\n");
                continue;
            }
            teams.push_str("members:\n");
            for p in members {
                teams.push_str(&format!(
                    "  - {{ id: {0}, name: {0}, roles: [{1}] }}\n",
                    PEOPLE[p],
                    self.roles_of(p).join(", ")
                ));
            }
        }
        let mut pipelines = String::new();
        for (i, p) in self.pipelines.iter().enumerate() {
            let field = |refs: &[Reference]| {
                let texts: Vec<String> = refs.iter().map(ToString::to_string).collect();
                match texts.as_slice() {
                    [one] if p.single => one.clone(),
                    _ => format!("[{}]", texts.join(", ")),
                }
            };
            pipelines.push_str(&format!(
                "---\napiVersion: steward/v1\nkind: Pipeline\nid: p{i}\nname: p{i}\narea: profit\naudience: internal\nowners:\n  primary: {}\n  secondary: {}\n",
                field(&p.primary),
                field(&p.secondary)
            ));
            if let Some(r) = &p.raci {
                pipelines.push_str(&format!(
                    "raci:\n  responsible: {}\n  accountable: {}\n  consulted: {}\n  informed: {}\n",
                    field(&r.responsible),
                    r.accountable,
                    field(&r.consulted),
                    field(&r.informed)
                ));
            }
        }
        vec![
            (PathBuf::from("teams.yaml"), teams.into_bytes()),
            (PathBuf::from("pipelines.yaml"), pipelines.into_bytes()),
        ]
    }

    fn check(&self) -> Outcome {
        let options = CheckOptions {
            paths: Vec::new(),
            policy: None,
            today: common::today(),
            load: LoadOptions::default(),
        };
        let workspace = load::load_sources(self.files(), PathBuf::from("."), &options.load);
        match check::check_workspace(workspace, &options) {
            Ok(outcome) => outcome,
            Err(e) => panic!("check failed: {e:?}"),
        }
    }

    fn all_references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        for p in &self.pipelines {
            out.extend(p.primary.iter().chain(&p.secondary));
            if let Some(r) = &p.raci {
                out.extend(r.responsible.iter().chain(&r.consulted).chain(&r.informed));
                out.push(&r.accountable);
            }
        }
        out
    }
}

/// How a message names a reference: as written, or as `describe` does.
fn names(message: &str, reference: &Reference) -> bool {
    let described = match reference {
        Reference::Member(id) => id.to_string(),
        Reference::Team(team) => format!("team `{team}`"),
        Reference::Role(named) => format!("team `{}`/`{}`", named.team, named.role),
    };
    message.contains(&format!("`{reference}`")) || message.contains(&described)
}

/// Rules whose findings sit on a reference.
const REFERENCE_RULES: [&str; 6] = [
    "unknown-reference",
    "distinct-owners",
    "owner-expertise",
    "owner-load",
    "raci-accountable",
    "raci-overlap",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_resolver_matches_a_brute_force_expansion(instance in instance()) {
        let outcome = instance.check();
        for reference in instance.all_references() {
            let resolved = resolve(&outcome.model, reference);
            let got: BTreeMap<&str, Via> =
                resolved.people.iter().map(|r| (r.person, r.via)).collect();
            match instance.expand(reference) {
                Some(expected) => {
                    prop_assert_eq!(&got, &expected, "{}", reference);
                    prop_assert!(resolved.problem.is_none(), "{}", reference);
                }
                None => {
                    prop_assert!(got.is_empty(), "{} resolved to {:?}", reference, got);
                    prop_assert!(resolved.problem.is_some(), "{}", reference);
                }
            }
        }
    }

    #[test]
    fn findings_lie_on_the_references_they_name(instance in instance()) {
        let outcome = instance.check();
        let mut overlapping = 0;
        for p in &instance.pipelines {
            let primary: BTreeSet<&str> = p
                .primary
                .iter()
                .filter_map(|r| instance.expand(r))
                .flat_map(|people| people.into_keys())
                .collect();
            overlapping += p
                .secondary
                .iter()
                .filter_map(|r| instance.expand(r))
                .filter(|people| people.keys().any(|id| primary.contains(id)))
                .count();
        }
        let distinct = outcome.findings.iter().filter(|f| f.rule == "distinct-owners").count();
        prop_assert_eq!(distinct, overlapping, "one finding per overlapping secondary reference");

        // What was written as a reference: the pipelines' references and the
        // people in `also` lists.
        let written: BTreeSet<String> = instance
            .all_references()
            .into_iter()
            .map(ToString::to_string)
            .chain(instance.also.iter().flatten().map(|p| PEOPLE[*p].to_string()))
            .collect();
        for f in outcome.findings.iter().filter(|f| REFERENCE_RULES.contains(&f.rule.as_str())) {
            let text = outcome.workspace.files[f.file].text().unwrap_or_default();
            let spanned = text.get(f.span.start..f.span.end).unwrap_or_default();
            prop_assert!(
                written.contains(spanned),
                "[{}] {}: span `{}` is no reference",
                f.rule,
                f.message,
                spanned
            );
            let reference = Reference::parse(spanned).unwrap_or(Reference::Member("".into()));
            prop_assert!(
                names(&f.message, &reference),
                "[{}] {} does not name `{}`",
                f.rule,
                f.message,
                spanned
            );
        }
    }
}

/// Lists and teams of thousands stay linear: the owner and RACI rules find
/// overlaps through the people, not by comparing every pair of references
/// (the first version took seconds per thousand entries here).
#[test]
fn thousands_of_references_are_checked_in_linear_time() {
    let n = 4000;
    let members: String = (0..n)
        .map(|i| format!("  - {{ id: m{i}, name: M{i}, roles: [r{}] }}\n", i % 3))
        .collect();
    let list = format!(
        "[{}]",
        (0..n)
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let text = format!(
        "apiVersion: steward/v1\nkind: Team\nid: t\nalso: {list}\nmembers:\n{members}---\n\
         apiVersion: steward/v1\nkind: Pipeline\nid: big\nname: big\narea: x\naudience: internal\n\
         owners:\n  primary: {list}\n  secondary: {list}\n\
         raci:\n  responsible: {list}\n  accountable: team:t\n  consulted: {list}\n  informed: [team:t, team:t/r1]\n"
    );
    let options = CheckOptions {
        paths: Vec::new(),
        policy: None,
        today: common::today(),
        load: LoadOptions::default(),
    };
    let workspace = load::load_sources(
        vec![(PathBuf::from("big.yaml"), text.into_bytes())],
        PathBuf::from("."),
        &options.load,
    );
    let loaded = match check::analyse(workspace, &options) {
        Ok(loaded) => loaded,
        Err(e) => panic!("analyse failed: {e:?}"),
    };
    let started = std::time::Instant::now();
    let findings = check::run_rules(&loaded.context(common::today()), &loaded.policy);
    let elapsed = started.elapsed();
    let count = |rule: &str| findings.iter().filter(|f| f.rule == rule).count();
    // Each secondary entry is a primary owner too.
    assert_eq!(count("distinct-owners"), n);
    // Each consulted entry is responsible, and accountable through team:t;
    // both informed references share people with every earlier role.
    assert_eq!(count("raci-overlap"), 2 * n + 2 * 3);
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "rules took {elapsed:?}"
    );
    // Messages and labels stay short however many people overlap.
    for f in &findings {
        assert!(f.message.len() < 400, "{}", f.message);
        assert!(f.labels.len() <= 10, "{} labels", f.labels.len());
    }
}
