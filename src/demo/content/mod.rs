//! Static text of the demo dataset: milestones, founder profiles, journey and chat templates, knowledge articles.
//!
//! Templates use `{key}` placeholders that the generator fills from one founder's facts
//! (`{product}`, `{price}`, `{moq}`, ...). Each article carries two founder questions:
//! `query` restates the article's key terms (the built-in embedder scores it ≥ 0.70 against the
//! article) and `casual` is looser wording that lands as a near miss (about 0.55–0.70).

/// Milestone ids and display names (seed 000).
pub const MILESTONES: &[(&str, &str)] = &[
    ("M0", "Business DNA"),
    ("M1", "Market Research"),
    ("M2", "Customer Validation"),
    ("M3", "Product Definition"),
    ("M4", "Pricing Strategy"),
    ("M5", "Supplier Sourcing"),
    ("M6", "Manufacturing Plan"),
    ("M7", "Logistics & Fulfilment"),
    ("M8", "Brand & Legal"),
    ("M9", "Launch"),
];

/// Direct dependencies of each milestone, by index into `MILESTONES` (seed 000 `dependency_map`).
pub const DEPENDENCIES: &[&[usize]] = &[
    &[],
    &[0],
    &[0, 1],
    &[0, 1, 2],
    &[1, 3],
    &[2],
    &[5],
    &[5, 6],
    &[],
    &[0, 1, 2, 3, 4, 5, 6, 7, 8],
];

mod discovery;
mod general;
mod milestone_text;
mod operations;

pub use milestone_text::{MILESTONE_TEXT, MilestoneText};

/// One row of the shared knowledge table, with the founder questions it answers.
#[derive(Clone)]
pub struct Article {
    /// `None`: general, relevant to every milestone.
    pub milestone: Option<&'static str>,
    pub title: &'static str,
    pub section: &'static str,
    pub source: &'static str,
    pub content: &'static str,
    /// A question restating the article's key terms.
    pub query: &'static str,
    /// A looser question on the same topic.
    pub casual: &'static str,
    /// The assistant's answer to either question.
    pub answer: &'static str,
}

/// The knowledge table: articles per milestone M0–M9, then the general ones.
pub fn articles() -> &'static [Article] {
    static ALL: std::sync::OnceLock<Vec<Article>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        discovery::DISCOVERY
            .iter()
            .chain(operations::OPERATIONS)
            .chain(general::GENERAL)
            .cloned()
            .collect()
    })
}

/// A product a fictional founder is launching.
pub struct Profile {
    /// Plural noun phrase used in sentences ("ceramic pour-over sets").
    pub product: &'static str,
    /// One-word plural noun used in questions ("sets").
    pub item: &'static str,
    pub category: &'static str,
    pub customer: &'static str,
    /// Retail price in US dollars.
    pub price: u32,
    pub channels: &'static [&'static str],
    pub differentiator: &'static str,
    pub background: &'static str,
    /// Where the chosen supplier is.
    pub region: &'static str,
    /// Two fictional company names; demo users pick one each.
    pub companies: [&'static str; 2],
}

/// The products of the demo founders (fictional companies).
#[rustfmt::skip]
pub const PROFILES: &[Profile] = &[
    Profile { product: "ceramic pour-over coffee sets", item: "sets", category: "Home & kitchen", customer: "home coffee enthusiasts aged 25-40", price: 58, channels: &["DTC store", "Etsy"], differentiator: "hand-glazed dripper that fits every mug", background: "six years as a barista trainer", region: "Jingdezhen, China", companies: ["Kiln & Kettle", "Slowdrip Ceramics"] },
    Profile { product: "bamboo toothbrush subscriptions", item: "toothbrushes", category: "Personal care", customer: "eco-minded households with children", price: 18, channels: &["DTC store", "Amazon"], differentiator: "compostable bristles and a plastic-free mailer", background: "dental hygienist for nine years", region: "Guangdong, China", companies: ["Brushwild", "Canebright"] },
    Profile { product: "soy wax candles", item: "candles", category: "Home fragrance", customer: "gift buyers aged 28-45", price: 32, channels: &["DTC store", "boutique wholesale"], differentiator: "refillable stoneware vessel", background: "perfume counter manager", region: "Leicester, UK", companies: ["Ember & Oak", "Quiet Wick Co."] },
    Profile { product: "dog enrichment puzzle toys", item: "toys", category: "Pet", customer: "owners of high-energy dogs in apartments", price: 29, channels: &["DTC store", "Amazon", "pet boutiques"], differentiator: "adjustable difficulty with dishwasher-safe parts", background: "certified dog trainer", region: "Ningbo, China", companies: ["Sniffquest", "Pawzzle Works"] },
    Profile { product: "insulated kids' lunch boxes", item: "boxes", category: "Kids", customer: "parents of school-age children", price: 36, channels: &["DTC store", "Amazon"], differentiator: "leak-proof compartments kids can open themselves", background: "primary school teacher", region: "Zhejiang, China", companies: ["Lunchlark", "Bento Buddy Co."] },
    Profile { product: "natural rubber yoga mats", item: "mats", category: "Fitness", customer: "hot-yoga practitioners aged 25-45", price: 89, channels: &["DTC store", "studio wholesale"], differentiator: "grip that improves when wet", background: "yoga studio owner", region: "Kerala, India", companies: ["Groundwell", "Sattva Grip"] },
    Profile { product: "reusable silicone food bags", item: "bags", category: "Kitchen", customer: "meal-preppers cutting plastic waste", price: 24, channels: &["DTC store", "Amazon"], differentiator: "wide self-standing base and a slide seal", background: "food scientist", region: "Dongguan, China", companies: ["Keepfresh Lab", "Sealwise"] },
    Profile { product: "merino wool hiking socks", item: "socks", category: "Outdoor apparel", customer: "weekend hikers and trail runners", price: 26, channels: &["DTC store", "outdoor retailers"], differentiator: "reinforced heel with a lifetime guarantee", background: "outdoor gear buyer for a retail chain", region: "Porto, Portugal", companies: ["Ridgeloop", "Cairnstep"] },
    Profile { product: "cold-brew coffee makers", item: "makers", category: "Kitchen", customer: "iced-coffee drinkers who brew at home", price: 42, channels: &["DTC store", "Amazon"], differentiator: "fine mesh filter with no paper waste", background: "café owner for eight years", region: "Shenzhen, China", companies: ["Chillbrew", "Steepstone"] },
    Profile { product: "cat water fountains", item: "fountains", category: "Pet", customer: "cat owners worried about hydration", price: 49, channels: &["DTC store", "Amazon"], differentiator: "silent pump and a stainless steel bowl", background: "veterinary nurse", region: "Shenzhen, China", companies: ["Purrflow", "Whisker Springs"] },
    Profile { product: "vegan leather laptop sleeves", item: "sleeves", category: "Accessories", customer: "remote workers who commute with a laptop", price: 54, channels: &["DTC store", "concept stores"], differentiator: "cactus-based leather with a magnetic closure", background: "fashion accessories designer", region: "Guadalajara, Mexico", companies: ["Carrywell Studio", "Nopal Goods"] },
    Profile { product: "solid shampoo bars", item: "bars", category: "Beauty", customer: "zero-waste shoppers with curly hair", price: 14, channels: &["DTC store", "refill shops"], differentiator: "curl-safe formula without sulfates", background: "cosmetic chemist", region: "Manchester, UK", companies: ["Barely Suds", "Coil & Lather"] },
    Profile { product: "wooden baby teethers", item: "teethers", category: "Baby", customer: "new parents buying gifts and essentials", price: 19, channels: &["DTC store", "baby boutiques"], differentiator: "untreated beech with food-grade silicone beads", background: "paediatric nurse", region: "Poznań, Poland", companies: ["Little Grain", "Beechbud"] },
    Profile { product: "pre-seasoned cast-iron skillets", item: "skillets", category: "Cookware", customer: "home cooks upgrading from non-stick", price: 65, channels: &["DTC store", "kitchen retailers"], differentiator: "smooth machined cooking surface", background: "restaurant line cook", region: "Hebei, China", companies: ["Forge & Flame", "Heirloom Iron"] },
    Profile { product: "self-watering balcony herb planters", item: "planters", category: "Garden", customer: "city renters with small balconies", price: 39, channels: &["DTC store", "garden centres"], differentiator: "two-week water reservoir with a level gauge", background: "landscape architect", region: "Xiamen, China", companies: ["Sill & Sprout", "Balconia"] },
    Profile { product: "modular desk cable organisers", item: "organisers", category: "Home office", customer: "people with home-office setups", price: 27, channels: &["DTC store", "Amazon"], differentiator: "magnetic modules that click together", background: "industrial designer", region: "Shenzhen, China", companies: ["Tidy Current", "Cordform"] },
    Profile { product: "stonewashed linen bed sheets", item: "sheets", category: "Home textiles", customer: "hot sleepers aged 30-55", price: 149, channels: &["DTC store"], differentiator: "European flax with a 100-night trial", background: "interior stylist", region: "Kaunas, Lithuania", companies: ["Flaxhaven", "Loomrest"] },
    Profile { product: "aluminium laptop stands", item: "stands", category: "Home office", customer: "remote workers with neck pain", price: 59, channels: &["DTC store", "Amazon"], differentiator: "folds flat to pocket size", background: "physiotherapist", region: "Suzhou, China", companies: ["Uplift Fold", "Postura Labs"] },
    Profile { product: "kids' balance bikes", item: "bikes", category: "Kids", customer: "parents of toddlers aged 2-4", price: 129, channels: &["DTC store", "toy stores"], differentiator: "grows with the child across three sizes", background: "bike mechanic", region: "Taichung, Taiwan", companies: ["Wobble & Roll", "Strider Kin"] },
    Profile { product: "insulated stainless steel water bottles", item: "bottles", category: "Outdoor", customer: "commuters and gym-goers", price: 34, channels: &["DTC store", "Amazon", "gyms"], differentiator: "one-hand lid that never leaks", background: "triathlon coach", region: "Yongkang, China", companies: ["Trailsip", "Coldkeep"] },
    Profile { product: "refillable glass cleaning spray bottles", item: "sprays", category: "Home cleaning", customer: "households cutting single-use plastic", price: 28, channels: &["DTC store", "subscription"], differentiator: "concentrate tablets that ship flat", background: "chemical engineer", region: "Ohio, USA", companies: ["Clearfill", "Tabletwash"] },
    Profile { product: "weighted sleep masks", item: "masks", category: "Wellness", customer: "light sleepers and shift workers", price: 38, channels: &["DTC store", "Amazon"], differentiator: "removable flaxseed weight insert", background: "sleep clinic technician", region: "Hangzhou, China", companies: ["Nightweight", "Hushlid"] },
    Profile { product: "recycled nylon packing cubes", item: "cubes", category: "Travel", customer: "carry-on-only travellers", price: 44, channels: &["DTC store", "travel retailers"], differentiator: "compression zip that saves a third of the space", background: "flight attendant", region: "Ho Chi Minh City, Vietnam", companies: ["Packlight", "Cabin Theory"] },
    Profile { product: "loose-leaf tea gift sets", item: "teas", category: "Food & drink", customer: "tea lovers and corporate gift buyers", price: 46, channels: &["DTC store", "corporate gifting"], differentiator: "single-estate teas with brewing cards", background: "tea sommelier", region: "Darjeeling, India", companies: ["Leaf & Ledger", "Steepwell Tea"] },
    Profile { product: "sourdough starter kits", item: "kits", category: "Food & drink", customer: "beginner home bakers", price: 35, channels: &["DTC store", "Etsy"], differentiator: "dried heritage starter with a 14-day guide", background: "artisan baker", region: "Bristol, UK", companies: ["Crumb Culture", "Rise Theory"] },
    Profile { product: "bike phone mounts", item: "mounts", category: "Cycling", customer: "urban cyclists and delivery riders", price: 31, channels: &["DTC store", "bike shops"], differentiator: "vibration damper that protects phone cameras", background: "cycle courier", region: "Taichung, Taiwan", companies: ["Steadyspoke", "Gripline"] },
    Profile { product: "aluminium-free natural deodorants", item: "deodorants", category: "Personal care", customer: "active women aged 25-40", price: 13, channels: &["DTC store", "pharmacies"], differentiator: "magnesium formula without baking soda", background: "dermatology nurse", region: "New Jersey, USA", companies: ["Fresh Accord", "Plainleaf"] },
    Profile { product: "cooperative family board games", item: "games", category: "Toys & games", customer: "families with children aged 6-12", price: 39, channels: &["DTC store", "game shops"], differentiator: "everyone wins or loses together in 30 minutes", background: "game designer", region: "Dongguan, China", companies: ["Tabletop Tides", "Allhands Games"] },
    Profile { product: "LED desk lamps with wireless charging", item: "lamps", category: "Electronics", customer: "students and home workers", price: 79, channels: &["DTC store", "Amazon"], differentiator: "flicker-free light with a built-in charger", background: "electronics engineer", region: "Shenzhen, China", companies: ["Lumen Nook", "Brightdesk"] },
    Profile { product: "beeswax food wraps", item: "wraps", category: "Kitchen", customer: "families replacing cling film", price: 22, channels: &["DTC store", "farmers markets"], differentiator: "organic cotton in seasonal prints", background: "beekeeper", region: "Cork, Ireland", companies: ["Hive & Hearth", "Waxwise"] },
];

/// Fictional founder first names.
pub const FIRST_NAMES: &[&str] = &[
    "Maren", "Tobiah", "Ilsa", "Dario", "Noor", "Keaton", "Solveig", "Ravi", "Odette", "Caspian",
    "Yara", "Emeric", "Liesel", "Tariq", "Wren", "Anselm", "Priya", "Joaquin", "Freya", "Idris",
    "Marisol", "Lennart", "Zuri", "Bastian", "Ottilie", "Kofi", "Sabine", "Ronan", "Amara",
    "Henrik",
];

/// Fictional founder family names.
pub const LAST_NAMES: &[&str] = &[
    "Vellacott",
    "Ostrander",
    "Quillfeather",
    "Marchetti-Lowe",
    "Brandvold",
    "Okonjo-Reyes",
    "Thistlewood",
    "Castellane",
    "Wyndham-Pike",
    "Haldorsen",
    "Ferreira-Quinn",
    "Lindqvist-Mora",
    "Ashgrove",
    "Dunmore",
    "Kestrell",
    "Pemberton-Sahl",
    "Ravensdale",
    "Soleil-Hart",
    "Tamberlin",
    "Vasquez-Orme",
];

/// Extra journey notes for the over-budget demo user: long, milestone-agnostic paragraphs.
pub const NOTES: &[&str] = &[
    "Working notes for {milestone}: the first pass at this milestone took longer than planned because every \
     decision pulled in questions from earlier milestones. The founder kept a running log of open questions, \
     closed most of them in weekly reviews, and wrote down the reason behind each decision so that the next \
     milestone would not reopen it. The log is long, but it has saved time every time a supplier, an advisor or \
     a retailer asked why something was done the way it was.",
    "Risks noted during {milestone}: supplier lead times could slip around factory holidays, the exchange rate \
     could move the unit cost by several percent, and the first production run ties up most of the cash. \
     Mitigations: a 20% buffer on every lead time, a quote in the supplier's currency with a hedge for the \
     deposit, and a cash flow forecast reviewed every month with the advisor.",
    "Customer voice collected during {milestone}: in interviews and support emails, {customer} kept returning to \
     the same three points. They want {product} that last, that are easy to clean, and that look good enough to \
     leave out. The {differentiator} answers the first point directly; the other two shape packaging, \
     photography and the product page.",
    "Advisor feedback on {milestone}: keep the range small, protect the retail price of {price}, and resist \
     adding features before the first reviews come in. The advisor also suggested documenting the supplier \
     relationship in detail, including contacts, payment history and sample approvals, so that a second supplier \
     could be onboarded quickly if needed.",
    "Numbers reviewed at the end of {milestone}: landed cost {landed}, gross margin {margin}, first run of \
     {first_run} units, launch budget {budget}. Each number has a source in the notes: supplier quotes, freight \
     estimates from the forwarder, duty rates confirmed by the broker and benchmarks from the knowledge base.",
    "Open questions carried forward from {milestone}: whether to add a second colour in the first reorder, \
     whether wholesale to boutiques makes sense before the direct store has steady sales, and how much to spend \
     on influencer seeding versus paid ads. Each question has an owner and a date for a decision.",
    "Lessons from {milestone}: decisions written down early were rarely revisited; decisions made in chat and \
     not recorded came back at least twice. From now on every decision goes into the milestone notes with a \
     date, the options considered and the reason for the choice, even when it feels obvious at the time.",
    "Timeline review for {milestone}: planned four weeks, actual six. Two weeks were lost waiting for samples and \
     one for a quote revision, offset by finishing the paperwork in parallel. The plan for the next milestone \
     assumes the same pace, with samples ordered before the milestone formally starts.",
];

/// Questions no knowledge article covers (the below-threshold demo user).
pub const OFF_TOPIC_QUERY: &str = "Could you paint a watercolour portrait of my neighbour's corgi wearing a \
    tiny birthday crown, and how long would the commission take?";

/// The non-ASCII demo founder: umlauts, macrons, Japanese and emoji.
pub const UNICODE_PROFILE: Profile = Profile {
    product: "Matcha-Sets für Zuhause 🍵",
    item: "Matcha-Sets",
    category: "Food & drink",
    customer: "Teeliebhaber in Köln und Düsseldorf, 25-45 Jahre",
    price: 64,
    channels: &["DTC store", "Cafés in Köln"],
    differentiator: "Chasen aus Takayama und Schale aus Seto-yaki ☕",
    background: "ten years running Café Kōhī in Köln-Ehrenfeld",
    region: "Uji, Kyōto (宇治市)",
    companies: ["Café Kōhī ☕", "Café Kōhī ☕"],
};

/// Founder name of the non-ASCII demo user.
pub const UNICODE_FOUNDER: &str = "Yūko Brandstätter";

/// Chat exchanges of the non-ASCII demo user, oldest first: (user, assistant).
pub const UNICODE_CHATS: &[(&str, &str)] = &[
    (
        "Hallo! Ich möchte meine Matcha-Sets 🍵 über den eigenen Shop verkaufen. Welcher Preis ist realistisch für \
      Köln?",
        "Für ein Set mit Chasen, Schale und 30 g Matcha liegen vergleichbare Anbieter bei 55-75 €. Mit 64 € bist du \
      im Mittelfeld; der Unterschied ist die handgemachte Seto-yaki-Schale. Teste den Preis auf der Landingpage, \
      bevor du ihn festlegst.",
    ),
    (
        "抹茶セットの送料と関税はどれくらいですか？ Uji から Köln まで、船便と航空便で比べたいです。",
        "船便なら1セットあたり約1.20ユーロ、航空便なら約6ユーロです。関税は茶葉と陶器で税率が違うので、HSコードを通関業者に確認してください。Landed cost は約21ユーロになります。",
    ),
    (
        "Merci ! Est-ce que la marge brute reste correcte à 64 € avec un coût rendu de 21 € ? 😅",
        "Oui : (64 − 21) / 64 ≈ 67 % de marge brute, ce qui est au-dessus du repère de 55-65 % pour les produits \
      maison. Garde une réserve pour la TVA et les retours, et évite les remises de lancement trop fortes.",
    ),
    (
        "Super 👍 Letzte Frage: wie hoch sollte die Bruttomarge für mein Matcha-Set sein, wenn ich später an Cafés \
      im Großhandel verkaufe? Gross margin benchmarks für Großhandel?",
        "Im Großhandel erwarten Cafés etwa 50 % vom Verkaufspreis, also rund 32 €. Bei 21 € Landed Cost bleiben dir \
      etwa 34 % Marge: knapp, aber machbar für kleine Mengen. Priorisiere zuerst den eigenen Shop ☕.",
    ),
];
