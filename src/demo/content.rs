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

/// One row of the shared knowledge table, with the founder questions it answers.
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

/// The knowledge table: five articles per milestone M0–M9, then the general ones.
pub const ARTICLES: &[Article] = &[
    // ---- M0 Business DNA ----
    Article {
        milestone: Some("M0"),
        title: "Writing a one-sentence value proposition",
        section: "Framework",
        source: "ProLaunch Playbook",
        content: "A value proposition is one sentence that says who the product is for, what \
            problem it solves and why it beats the alternative. Write the value proposition as: \
            for [target customer] who [problem], our [product] [benefit], unlike [alternative]. \
            Leave features out of the value proposition and name the outcome. A strong value \
            proposition names one target customer, one problem and one benefit. If the target \
            customer cannot repeat the problem and the benefit, the value proposition is too \
            vague. Revisit the value proposition after customer interviews.",
        query: "Can you help me write a one-sentence value proposition for my {item}? Which target \
            customer, problem and benefit should the value proposition name?",
        casual: "How do I phrase the value proposition of my {item} so the target customer sees \
            the benefit?",
        answer: "Try: for {customer} who struggle with the problem you heard most often, {product} \
            deliver one clear benefit, unlike the usual alternative. Keep it to one customer, one \
            problem, one benefit, then read it to ten people in your target group and check they \
            can repeat it back.",
    },
    Article {
        milestone: Some("M0"),
        title: "Testing a value proposition with target customers",
        section: "Method",
        source: "ProLaunch Research",
        content: "Test the value proposition before you spend on design or ads. Read the value \
            proposition to ten people from the target customer group and ask them to repeat the \
            problem and the benefit in their own words. Score the value proposition test: seven of \
            ten repeating the problem and the benefit is a pass; fewer means the value proposition \
            is vague. Test two or three value proposition versions with the same target customer \
            group. Keep the winning value proposition in Business DNA and reuse its words on the \
            landing page.",
        query: "How do I test my value proposition for {item} with ten people from the target \
            customer group? How many must repeat the problem and the benefit for the value \
            proposition test to pass?",
        casual: "How do I test the value proposition of my {item} with the target customer group?",
        answer: "Read it aloud to ten {customer} and ask them to tell you, in their words, what \
            problem {product} solve and what they get. Seven out of ten is a pass. Try two \
            versions side by side and keep the winner's wording for your landing page.",
    },
    Article {
        milestone: Some("M0"),
        title: "Launch budget for a first physical product",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "A first physical product needs a launch budget for samples, the first production \
            run, packaging, freight and launch marketing. Launch budget benchmarks from small \
            consumer brands: samples $1k-5k; first production run $8k-40k depending on MOQ; \
            packaging $2k-6k; launch marketing 20-30% of the launch budget. Write the launch \
            budget into Business DNA with a number for each line. Founders who set the launch \
            budget before sourcing negotiate with a clear ceiling. Review the launch budget \
            monthly; a launch budget that ignores samples or launch marketing is the most common \
            reason first launches stall.",
        query: "What launch budget do I need for {item}? What launch budget benchmarks for \
            samples, the first production run, packaging and launch marketing?",
        casual: "How big should the launch budget be for the first production run and launch \
            marketing of {item}?",
        answer: "Plan around {budget} for the launch: samples, a first production run near the \
            MOQ, packaging, freight, trademark filing and 20-30% for launch marketing. Mark which \
            lines you could defer if quotes come in high.",
    },
    Article {
        milestone: Some("M0"),
        title: "Founder runway: how long the launch budget must last",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Runway is how many months you can keep going before the launch budget and \
            personal savings run out. A first physical product takes 9-15 months from idea to \
            launch, so plan runway of at least 15 months. Keep personal runway of six months \
            beyond the launch budget. Runway shrinks when the launch slips, so add a 20% buffer to \
            the launch budget. Review runway months in Business DNA and cut launch budget lines \
            before personal runway falls under six months.",
        query: "How many months of runway beyond the launch budget for my {item}? How many months \
            of personal runway?",
        casual: "Is six months of runway enough for my {item} launch?",
        answer: "Assume 9-15 months from idea to launch for {product}, plus six months of personal \
            runway on top of the {budget} launch budget. Add a 20% buffer, and review the numbers \
            monthly so you cut spending before runway drops under six months.",
    },
    Article {
        milestone: Some("M0"),
        title: "Defining your ideal customer profile",
        section: "Framework",
        source: "ProLaunch Playbook",
        content: "An ideal customer profile describes the first customers who will buy, not \
            everyone who might. Define the ideal customer profile by age range, life situation, \
            problem trigger, where they shop and category spend. A narrow ideal customer profile \
            makes marketing cheaper, because you know which channels reach the ideal customer. \
            Write one primary ideal customer profile and at most one secondary customer profile. \
            Test the ideal customer profile in interviews: if real customers do not recognise \
            themselves, rewrite the customer profile. The ideal customer profile feeds pricing, \
            channel and packaging decisions.",
        query: "How narrow should the ideal customer profile for my {item} be? What goes in the \
            ideal customer profile?",
        casual: "Who is the ideal customer for my {item}, and what goes in the profile?",
        answer: "Narrow it down to {customer}. Describe their age range, the moment that makes \
            them go looking for {product}, where they already shop and what they spend on the \
            category today. One primary profile is enough for now; check it in your interviews.",
    },
    Article {
        milestone: Some("M0"),
        title: "Founder-market fit self-assessment",
        section: "Checklist",
        source: "ProLaunch Playbook",
        content: "Founder-market fit is the reason you, specifically, can win this market. Score \
            founder-market fit on four questions: direct experience of the customer problem, \
            access to the customer community, relevant skills in product, sourcing or marketing, \
            and commitment for three years. A founder background in the industry is strong \
            founder-market fit. Weak founder-market fit is not fatal: fill the skills gap with an \
            advisor or co-founder. Write the founder-market fit score into Business DNA so later \
            milestones lean on your strengths and cover the skills gap.",
        query: "How do I score my founder-market fit for {item}? My founder background gives me \
            the customer problem and community, but is a skills gap in sourcing weak \
            founder-market fit?",
        casual: "Is my founder-market fit for {item} weak if I have a skills gap in sourcing?",
        answer: "Your founder-market fit looks strong on the customer side: you know the problem \
            and the community. The gap is sourcing and manufacturing. Rather than learning it all \
            alone, find an advisor who has shipped a product like {product}, and note the gap in \
            your Business DNA.",
    },
    // ---- M1 Market Research ----
    Article {
        milestone: Some("M1"),
        title: "Sizing the market bottom-up: TAM, SAM and SOM",
        section: "Framework",
        source: "ProLaunch Playbook",
        content: "Calculate market size bottom-up with TAM, SAM and SOM. TAM, the total \
            addressable market size, is buyers in the category times annual spend per buyer. SAM, \
            the serviceable available market size, is the part of TAM your channel and geography \
            reach. SOM, the serviceable obtainable market size, is the share of SAM you can win in \
            two to three years, usually 1-5% for a new consumer brand. Build TAM, SAM and SOM \
            bottom-up from buyers, purchase rate and annual spend per buyer you can check. \
            Investors trust a bottom-up market size more than a top-down TAM from a report.",
        query: "How do I calculate the market size for {item} bottom-up? How do I get TAM, SAM and \
            SOM from buyers and annual spend per buyer?",
        casual: "Should I size the market for my {item} bottom-up with TAM and SAM?",
        answer: "Build it bottom-up: number of {customer} you can reach, times how often they buy, \
            times average order value. That gives a TAM around {tam}, a reachable SAM around \
            {sam}, and a two-year SOM of a few percent of SAM. Write every assumption next to its \
            number.",
    },
    Article {
        milestone: Some("M1"),
        title: "Market size worked example: TAM, SAM and SOM for a niche product",
        section: "Example",
        source: "ProLaunch Research",
        content: "Worked market size example, bottom-up. TAM market size: 130 million households \
            times 20% buying the category times $30 annual spend per buyer, so the TAM market size \
            is $780 million. SAM market size: your channel reaches 25% of those buyers, so the SAM \
            market size is $195 million. SOM market size: a new brand wins 1-2% of the SAM in \
            three years, so the SOM market size is $2-4 million. Every step of the TAM, SAM and \
            SOM market size uses households and spend per buyer that a reader can check.",
        query: "Can you work through the TAM market size, SAM market size and SOM market size for \
            {item} with households and spend per buyer?",
        casual: "What SOM market size is realistic for a new brand of {item}?",
        answer: "Start from the households you can sell to and the share that buy the category \
            each year, then multiply by annual spend. For {product} that lands near {tam} of TAM \
            and {sam} of SAM; a SOM of 1-2% of SAM in three years is a sensible plan.",
    },
    Article {
        milestone: Some("M1"),
        title: "Competitor teardown checklist",
        section: "Checklist",
        source: "ProLaunch Playbook",
        content: "Do a competitor teardown before you define your product. A competitor teardown \
            covers five competitors and records, for each competitor, retail price, materials, \
            star rating, review count, top complaints and positioning. Buy the two best-selling \
            competitor products and tear down the packaging. Put the competitor teardown in one \
            table so each gap stands out: a price gap, an ignored segment, or a complaint no \
            competitor fixes. A competitor teardown with no gap tells you to compete on brand. \
            Update the competitor teardown when a new competitor appears.",
        query: "How do I do a competitor teardown for {item}? What should the competitor teardown \
            record for each competitor?",
        casual: "How many competitors belong in a competitor teardown for {item}?",
        answer: "Pick the five best sellers among {product} and put them in one table: price, \
            materials, rating, review count, top complaints, channel and positioning. Buy the top \
            two and unbox them. You are hunting for a price gap or a complaint nobody fixes.",
    },
    Article {
        milestone: Some("M1"),
        title: "Mining competitor reviews for unmet needs",
        section: "Method",
        source: "ProLaunch Research",
        content: "Competitor reviews are free research on unmet needs. Collect 200-300 competitor \
            reviews, mostly three-star and four-star competitor reviews, which say what customers \
            like and what still fails. Tag competitor reviews by complaint and unmet need: \
            durability, size, price, cleaning. An unmet need in 10% or more of competitor reviews \
            is a product opportunity. Quote competitor reviews word for word, because customer \
            language in competitor reviews makes better product copy. Repeat the exercise every \
            quarter, because competitor reviews change as competitors fix one complaint and create \
            another unmet need.",
        query: "How do I read competitor reviews of {item}? Should I tag competitor reviews by \
            complaint and unmet need?",
        casual: "Can reading competitor reviews of {item} show an unmet need I could fix?",
        answer: "Yes, if you are systematic. Pull 200-300 reviews of the top {product}, mostly \
            three and four stars, and tag each with the need it mentions. Anything that shows up \
            in more than one review in ten is worth designing for, and the exact wording is gold \
            for your product copy.",
    },
    Article {
        milestone: Some("M1"),
        title: "Search demand and keyword volume as a demand signal",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "Search demand shows whether customers already look for a solution. Check monthly \
            keyword volume for the category keyword, the problem keyword and long-tail keywords. \
            Search demand benchmark: a category keyword with 5,000-50,000 monthly searches can \
            support a small brand; under 1,000 monthly searches means you must create demand, \
            which costs more. Track keyword volume over 24 months for seasonality and trend. \
            Compare category keyword volume with competitor brand keyword volume to see how \
            concentrated search demand is. Record search demand and keyword volume in your \
            research notes with the date and the tool used.",
        query: "What monthly keyword volume for the {item} category keyword shows search demand? \
            How much keyword volume and search demand for a category keyword?",
        casual: "Is there enough search demand and keyword volume for {item}?",
        answer: "Check the monthly search volume for the main category term, the problem people \
            describe and a handful of long-tail phrases. Between 5,000 and 50,000 monthly searches \
            is a healthy niche for {product}; look at two years of data so seasonality does not \
            fool you.",
    },
    Article {
        milestone: Some("M1"),
        title: "Category growth benchmarks for consumer goods",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "Category growth matters more than category size for a new brand. Category growth \
            benchmarks per year: home fragrance about 5%, pet products 6-8%, personal care 4-6%, \
            kitchen products 8-10%, outdoor gear 3-5%. Category growth above 5% a year leaves room \
            for a new brand; a category with flat growth means taking share from incumbents. Check \
            the category growth rate against search demand. Seasonality also shapes category \
            growth: gift categories sell up to 40% of annual volume in the fourth quarter.",
        query: "What category growth rate should I expect for {item}? Is category growth above 5% \
            a year enough for a new brand?",
        casual: "Is the {item} category growth good for a new brand?",
        answer: "{category} has grown a few percent a year recently, which still leaves room for a \
            new brand with a clear angle. Cross-check against search demand, and remember the \
            fourth quarter can carry a big share of annual volume for giftable products.",
    },
    // ---- M2 Customer Validation ----
    Article {
        milestone: Some("M2"),
        title: "Problem validation interview script",
        section: "Script",
        source: "ProLaunch Playbook",
        content: "Problem validation interviews test whether the problem is real before you build. \
            Run 15-20 problem validation interviews with your target customer. In each problem \
            validation interview, ask about the last time the problem happened, what they did, \
            what they spent and what annoyed them. Do not pitch in a problem validation interview; \
            a pitch turns the interview into politeness. Record exact words. The problem is \
            validated when most interviews describe the problem unprompted and a third already pay \
            for a workaround.",
        query: "How many problem validation interviews should I run for {item}? In a problem \
            validation interview, what do I ask about the last time the problem happened, without \
            a pitch?",
        casual: "What should I ask in a problem validation interview about {item}?",
        answer: "Aim for 15-20 conversations with {customer}. Ask about the last time the problem \
            came up, what they did, what it cost and what annoyed them. Do not show {product} at \
            all; you have validation when most people raise the problem unprompted.",
    },
    Article {
        milestone: Some("M2"),
        title: "Reading problem validation interview notes",
        section: "Method",
        source: "ProLaunch Research",
        content: "After problem validation interviews, read the interview notes for patterns, not \
            quotes you like. Tag each problem validation interview: problem described unprompted, \
            workaround used, money spent on the workaround, and emotion. The problem is validated \
            when most interviews describe the problem unprompted and a third pay for a workaround. \
            One enthusiastic interview is an anecdote. Put the problem validation interview tags \
            in one table and share it with your co-founder or advisor. Re-read the problem \
            validation interview notes before each new milestone, because the problem wording \
            guides copy, pricing and packaging later.",
        query: "How do I read my problem validation interview notes for {item}? Should I tag each \
            interview by problem described unprompted, workaround and money spent?",
        casual: "How do I tag my problem validation interview notes for {item}?",
        answer: "Put every conversation in one table and tag it: did they bring up the problem \
            unprompted, what workaround they use, and whether they pay for it. For {product}, you \
            want most people raising the problem themselves and about a third already paying to \
            work around it.",
    },
    Article {
        milestone: Some("M2"),
        title: "Landing page smoke test benchmarks",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "A landing page smoke test measures demand before the product exists. The smoke \
            test landing page shows the value proposition, a price and an email signup form. Drive \
            500-1000 visitors to the landing page. Landing page smoke test benchmarks: an email \
            signup conversion rate of 10-20% is strong, 5-10% is promising, and below 3% means the \
            offer is wrong. Track cost per email signup: under $2 per signup is good for a landing \
            page smoke test. Run the landing page smoke test for at least a week so weekday and \
            weekend visitors both count.",
        query: "What are landing page smoke test benchmarks for {item}: email signup conversion \
            rate and cost per signup? My landing page smoke test got {signup}.",
        casual: "Is a {signup} email signup rate on my {item} landing page good for a smoke test?",
        answer: "A {signup} signup rate is in the promising range; 10-20% would be strong and \
            under 3% would mean the offer or audience is off. Also watch cost per signup: under \
            about $2 is good for a consumer product like {product}.",
    },
    Article {
        milestone: Some("M2"),
        title: "Running ads to a smoke test landing page",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Smoke test ads should reach visitors who match the target customer, not friends. \
            Budget $300-800 of smoke test ads for 500-1000 visitors. Run two ad angles and compare \
            the signup conversion rate and cost per signup of each ad angle. Stop an ad angle when \
            cost per signup stays above $4 after 200 visitors. Report smoke test ads as visitors, \
            signups, conversion rate and cost per signup per ad angle. Keep smoke test ads simple: \
            one image, one message per ad angle, and the same landing page for every ad angle so \
            the cost per signup comparison is fair.",
        query: "What budget for smoke test ads for {item}, and how do I compare each ad angle on \
            cost per signup and conversion rate?",
        casual: "Which ad angle should my smoke test ads for {item} use?",
        answer: "Around $300-800 of ads usually buys 500-1,000 visitors, enough for a first read. \
            Run two angles for {product}, for example the problem and the gift angle, and cut the \
            one whose cost per signup stays above about $4.",
    },
    Article {
        milestone: Some("M2"),
        title: "Pre-orders and deposits as validation",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Paid pre-orders are the strongest validation because customers pay before the \
            product exists. Take pre-orders with a refundable deposit of 10-30% of retail price, \
            or take pre-orders at full price with a clear ship date. Benchmark: 50-100 paid \
            pre-orders from strangers is solid validation. Paid pre-orders also fund part of the \
            first production run. Be honest about ship date and refund policy on pre-orders. \
            Pre-order conversion from an email list is typically 2-5% of subscribers. Track paid \
            pre-orders by source, because pre-orders from your own audience convert better than \
            pre-orders from ads.",
        query: "Should I take paid pre-orders for {item} with a refundable deposit? How many paid \
            pre-orders count as validation?",
        casual: "Should I take paid pre-orders for {item} with a deposit?",
        answer: "Paid pre-orders are the best proof you can get. A refundable deposit of 10-30% is \
            easier for people to say yes to; aim for 50-100 from strangers. You have {preorders} \
            so far, so keep going and be clear about the ship date.",
    },
    Article {
        milestone: Some("M2"),
        title: "Survey design without leading questions",
        section: "Checklist",
        source: "ProLaunch Research",
        content: "A survey checks how common a problem is after interviews found it. Keep the \
            survey under ten survey questions. Avoid leading questions such as 'Would you buy an \
            eco-friendly bottle?'; leading questions inflate answers, so survey questions should \
            ask about past behaviour. Add screening questions so only your target customer answers \
            the survey. Aim for 100-200 survey responses. Treat would-buy survey answers as a \
            ceiling: only 10-20% of survey respondents who say they would buy actually buy. Pilot \
            the survey with five people first; confusing survey questions and leading questions \
            show up quickly in a pilot.",
        query: "How do I write survey questions for {item} without leading questions? How many \
            survey responses, and which screening questions?",
        casual: "My survey says most people would buy {item}. Can I trust would-buy survey \
            answers?",
        answer: "Treat 'would buy' as a ceiling; usually only a small fraction follow through. Ask \
            about past behaviour instead, screen for {customer}, keep it under ten questions and \
            aim for 100-200 responses. You have {survey} responses so far.",
    },
    // ---- M3 Product Definition ----
    Article {
        milestone: Some("M3"),
        title: "Writing a product spec (tech pack) for manufacturers",
        section: "Template",
        source: "ProLaunch Playbook",
        content: "A product spec, often called a tech pack, tells a manufacturer exactly what to \
            make. The product spec includes dimensions with tolerances, materials and grades, \
            colours with Pantone references, finishes, components, packaging and test \
            requirements. Add drawings or CAD files. A clear product spec gets accurate quotes and \
            fewer sample rounds; a vague product spec gets factories guessing and pricing in risk. \
            Version the tech pack and change the product spec only through a written change log, \
            so every supplier quotes the same product spec. In short, the product spec lists \
            dimensions, tolerances and materials.",
        query: "What goes in the product spec for my {item}? Should the product spec list \
            dimensions, tolerances and materials, and how do I version the product spec?",
        casual: "What exactly should the product spec for my {item} include?",
        answer: "Yes. A tight spec is what gets you comparable quotes. For {product} list \
            dimensions with tolerances, materials and grades, Pantone colours, finishes, packaging \
            and the tests you need, attach drawings, and keep a change log so every factory quotes \
            the same thing.",
    },
    Article {
        milestone: Some("M3"),
        title: "Tech pack checklist: what manufacturers ask for",
        section: "Checklist",
        source: "Supplier Network Notes",
        content: "Manufacturers misquote a tech pack that misses basics. The tech pack checklist: \
            drawings with dimensions and tolerances; a bill of materials; Pantone colours; \
            finishes; logo placement; packaging and labels; carton size. Send the tech pack to \
            manufacturers as one PDF plus CAD files. Number each tech pack version and keep a tech \
            pack change log. A complete tech pack gets comparable quotes from manufacturers and \
            fewer sample rounds. Ask manufacturers to confirm the tech pack line by line in \
            writing before they quote, so the tech pack and the quote describe the same product.",
        query: "Is my tech pack for {item} complete for manufacturers? Does the tech pack \
            checklist need drawings with dimensions and tolerances, a bill of materials and a tech \
            pack version?",
        casual: "What goes in a tech pack for my {item} so manufacturers can quote?",
        answer: "Check for drawings with dimensions and tolerances, a bill of materials with \
            grades, Pantone colours, finishes, logo placement, packaging, labels and carton size. \
            Send it as one numbered PDF plus CAD files, and keep a change log.",
    },
    Article {
        milestone: Some("M3"),
        title: "MVP feature scoping: must-have versus nice-to-have",
        section: "Framework",
        source: "ProLaunch Playbook",
        content: "MVP feature scoping keeps the first version to must-have features. List every \
            feature and mark it a must-have feature if early users named it, a nice-to-have \
            feature otherwise. Each nice-to-have feature adds cost, sample rounds and failure \
            points. A good MVP has one hero feature that solves the validated problem, solid \
            basics, and no nice-to-have feature. Park each nice-to-have feature in a version-two \
            list. Write every feature scoping decision with its reason. Revisit feature scoping \
            after the first sample round; a must-have feature that fails in samples is a scoping \
            decision, not a factory problem.",
        query: "How do I do MVP feature scoping for my {item}? Is each feature a must-have feature \
            or a nice-to-have feature, and which is the hero feature?",
        casual: "Is a second feature of my {item} a must-have feature for the MVP?",
        answer: "Keep one hero feature, the thing that solves the problem {customer} told you \
            about, plus solid basics. Everything else goes on a version-two list with the evidence \
            for it. Each extra feature costs you sample rounds and failure points.",
    },
    Article {
        milestone: Some("M3"),
        title: "Turning prototype testing feedback into feature scope",
        section: "Method",
        source: "ProLaunch Research",
        content: "Prototype testing feedback decides feature scope. For each feature, count how \
            many early users used it, ignored it or found it broken during prototype testing. A \
            feature most early users ignored is nice-to-have, whatever the founder thinks. A \
            feature early users asked for repeatedly may become must-have. Record prototype \
            testing feedback by feature in one table and mark each feature must-have or \
            nice-to-have with the count. In short, prototype testing feedback from early users \
            sets the feature scope. Share the prototype testing table with your supplier so the \
            feature scope is clear before quoting.",
        query: "How do I turn prototype testing feedback on my {item} into feature scope? Should \
            prototype testing count early users per feature?",
        casual: "Early users ignored one feature in prototype testing of my {item}. Should I cut \
            it?",
        answer: "Probably. Count, for each feature, how many testers used it, ignored it or broke \
            it. If most ignored a feature, it is a nice-to-have for {product}, however much you \
            like it; move it to the version-two list.",
    },
    Article {
        milestone: Some("M3"),
        title: "Product safety standards and compliance testing",
        section: "Checklist",
        source: "Compliance Desk",
        content: "Consumer products must meet product safety standards in every market. Children's \
            products need CPSIA compliance testing in the US and EN 71 in the EU. Food-contact \
            products need food-contact compliance testing. Electrical products need CE marking and \
            UL or ETL compliance testing. Budget $500-3000 per product for compliance testing at \
            an accredited lab. Identify the product safety standards during product definition, \
            because materials decide whether the product passes compliance testing against product \
            safety standards. Keep compliance testing reports on file; retailers, marketplaces and \
            insurers ask for them before they accept a product.",
        query: "Do my {item} need compliance testing for product safety standards? Which product \
            safety standards and compliance testing apply?",
        casual: "Do my {item} need compliance testing before I can sell them online?",
        answer: "It depends on the category: children's items need CPSIA testing in the US and EN \
            71 in the EU, food-contact items need food-contact compliance, electrical items need \
            CE and UL or ETL. Budget $500-3,000 per product at an accredited lab and pick \
            materials that pass.",
    },
    Article {
        milestone: Some("M3"),
        title: "Packaging design requirements",
        section: "Checklist",
        source: "ProLaunch Playbook",
        content: "Packaging design must protect the product, sell it and meet labelling rules. \
            Decide the packaging design requirements early: retail box or mailer box, inserts, and \
            packaging dimensions that fit shipping cartons. Packaging that ships direct must \
            survive a drop test. Keep packaging dimensions small, because dimensional weight makes \
            larger packaging cost more. Packaging design also carries barcodes and recycling \
            marks. Order packaging samples with product samples. Review packaging design \
            requirements with your 3PL as well, because packaging dimensions and packaging weight \
            decide storage and shipping fees, and a packaging design that fits a standard carton \
            saves money on every order.",
        query: "What packaging design requirements should my {item} packaging meet: retail box or \
            mailer box, packaging dimensions and drop test?",
        casual: "What packaging dimensions should my {item} packaging have to keep shipping cheap?",
        answer: "If most orders ship direct, a sturdy mailer box that doubles as the retail box is \
            usually right for {product}. Make sure it survives a 1-metre drop, keep the dimensions \
            tight for dimensional weight, and leave space for the barcode and origin marking.",
    },
    // ---- M4 Pricing Strategy ----
    Article {
        milestone: Some("M4"),
        title: "Gross margin benchmarks for consumer products",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "Gross margin is retail price minus landed cost, divided by retail price. Gross \
            margin benchmarks for direct-to-consumer products: 60-75% gross margin for beauty and \
            personal care, 55-65% for home goods, 50-60% for apparel, 40-50% for electronics. \
            Below 50% gross margin, paid acquisition rarely works, because customer acquisition \
            cost eats the gross margin. Calculate gross margin after landed cost, payment fees and \
            packaging. Check gross margin at the retail price before you commit to a supplier. \
            Recalculate gross margin whenever landed cost changes, and compare gross margin with \
            the benchmarks for your category.",
        query: "What gross margin should I target for {item} at a {price} retail price? What are \
            gross margin benchmarks after landed cost for direct-to-consumer products?",
        casual: "Is a {margin} gross margin on my {item} a healthy gross margin?",
        answer: "At {price} and a landed cost near {landed}, you are at roughly {margin} gross \
            margin. For {category} the DTC benchmark is 55-65%; below 50% paid ads rarely pay \
            back, so protect the margin before you add discounts.",
    },
    Article {
        milestone: Some("M4"),
        title: "Setting the retail price from landed cost and target gross margin",
        section: "Calculator",
        source: "ProLaunch Playbook",
        content: "Set the retail price from landed cost and a target gross margin: retail price \
            equals landed cost divided by one minus the target gross margin. With a landed cost of \
            $9 and a 65% target gross margin, the retail price is $9 / 0.35 = $25.70. Round the \
            retail price to a price point customers expect, such as $26 or $29. Then compare the \
            retail price with competitor prices. If the retail price from landed cost sits far \
            above competitors, reduce landed cost before you cut gross margin.",
        query: "How do I set the retail price for {item} from landed cost and a target gross \
            margin? My landed cost is {landed}; what retail price gives a 65% gross margin?",
        casual: "How do I get from my landed cost to a retail price for {item}?",
        answer: "Divide landed cost by one minus your target margin: {landed} / 0.35 is the price \
            for a 65% margin. Then round to a price point {customer} recognise and compare with \
            the competitors you tore down; {price} looks consistent with that.",
    },
    Article {
        milestone: Some("M4"),
        title: "Wholesale pricing and keystone margins",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "If you plan to sell through retail stores, build wholesale pricing from the \
            start. Retailers expect keystone pricing: the wholesale price is about 50% of the \
            retail price, so a $40 retail price means a $20 wholesale price. Your landed cost must \
            leave margin at the wholesale price: aim for a wholesale margin of 40-50%, which means \
            landed cost at or below 25% of the retail price. Set one retail price (MSRP) and \
            protect it in every channel. Write wholesale pricing terms down in a one-page \
            wholesale price list with minimum order, payment terms and the retail price you expect \
            stores to keep.",
        query: "How do I set wholesale pricing for {item}? With keystone pricing the wholesale \
            price is 50% of the retail price; what wholesale margin do I need?",
        casual: "Can I afford wholesale pricing for {item} at half the retail price?",
        answer: "Keystone means shops pay about half of {price}, so a wholesale price near \
            {wholesale}. Your landed cost of {landed} has to leave a 40-50% margin at that \
            wholesale price. If it does not, stay direct for now.",
    },
    Article {
        milestone: Some("M4"),
        title: "The margin stack: distributor, retailer and brand margins",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "When a distributor sits between you and retail stores, the margin stack has \
            three layers. In the margin stack, the retailer margin is about 50% of the retail \
            price, the distributor margin is 15-30% of the wholesale price, and the brand margin \
            is what is left after landed cost. A $40 retail price gives a $20 wholesale price and \
            a $15 distributor price, so the brand margin needs landed cost under $8. Map the \
            margin stack and your brand margin before you sign a distributor.",
        query: "How does the margin stack work for my {item} with a distributor? What brand margin \
            is left after the retailer margin and distributor margin?",
        casual: "What brand margin would I keep if a distributor sells my {item}?",
        answer: "Roughly: shops keep half of {price}, the distributor takes 15-30% of the \
            wholesale price, and you keep what is left after landed cost. With a landed cost of \
            {landed}, check that your share still covers marketing before you sign.",
    },
    Article {
        milestone: Some("M4"),
        title: "Price testing: Van Westendorp and A/B price tests",
        section: "Method",
        source: "ProLaunch Research",
        content: "Test price before launch. The Van Westendorp price sensitivity survey asks four \
            questions: at what price is the product too cheap, a bargain, getting expensive, and \
            too expensive. Plot the answers to find an acceptable price range. An A/B price test \
            shows two prices to comparable traffic and compares conversion rate and revenue per \
            visitor. Run each price test to at least 100 conversions per price. Price tests often \
            show that a higher price loses fewer buyers than feared. Record every price test with \
            dates, traffic and result, so later price changes start from evidence.",
        query: "Should my price test for {item} be a Van Westendorp price survey or an A/B price \
            test on conversion rate?",
        casual: "How do I run a price test for {item} to see if a higher price works?",
        answer: "Run a short Van Westendorp survey with {customer} to find the acceptable range, \
            then A/B test two prices, for example {price} and a few dollars more, until each has \
            about 100 orders. Compare revenue per visitor, not just conversion.",
    },
    Article {
        milestone: Some("M4"),
        title: "Launch discounts, bundles and price anchoring",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "A launch discount trades margin for momentum. Keep the launch discount to 10-20% \
            and time-limited, for pre-order customers and the email waitlist; a deep launch \
            discount anchors customers on a low price. A launch bundle raises average order value \
            without cutting the retail price: a launch bundle of two or three products at 10-15% \
            off. Check that every launch discount and launch bundle still leaves gross margin \
            above target. End the launch discount on the date you announced; a launch discount \
            that never ends stops being a launch discount and becomes the real price of the \
            product.",
        query: "Should I offer a launch discount or a launch bundle on {item}? How big a launch \
            discount?",
        casual: "Should I do a launch discount on my {item} for the waitlist?",
        answer: "A short 10-20% launch offer for pre-order customers and the waitlist is fine; a \
            deep discount teaches people that {price} is negotiable. A bundle of two or three \
            {item} raises order value without cutting the list price.",
    },
    // ---- M5 Supplier Sourcing ----
    Article {
        milestone: Some("M5"),
        title: "Negotiating MOQ with suppliers",
        section: "Guide",
        source: "Supplier Network Notes",
        content: "The MOQ, the minimum order quantity, is often negotiable for a first order. \
            Suppliers set the MOQ to cover setup cost and material minimums. To negotiate the MOQ \
            down for a first order: offer a higher unit price, accept a stock colour, pay the \
            setup cost separately, or commit to a second order at the full MOQ. Suppliers who \
            negotiate the MOQ often accept 30-50% of the stated MOQ for a first order at a 10-20% \
            higher unit price. When you negotiate the MOQ, get the agreed MOQ and unit price in \
            writing.",
        query: "How do I negotiate the MOQ with my {item} supplier for a first order? Can I \
            negotiate the MOQ down with a higher unit price, or negotiate the MOQ by paying the \
            setup cost?",
        casual: "The supplier wants a {moq} unit MOQ for my {item}. Can I negotiate the MOQ for a \
            first order?",
        answer: "Usually yes for a first order. Offer a 10-20% higher unit price, accept a stock \
            colour, or pay setup separately, and many suppliers will go to 30-50% of their stated \
            MOQ. Get the agreed quantity and price on the proforma invoice.",
    },
    Article {
        milestone: Some("M5"),
        title: "MOQ benchmarks by product category",
        section: "Benchmarks",
        source: "Supplier Network Notes",
        content: "MOQ benchmarks for a first order by category: textiles 300-1000 units per \
            colour; ceramics and glass 500-1000 units; moulded plastic 1000-3000 units; cosmetics \
            and candles 500-2000 units; electronics 1000-5000 units. The MOQ is usually per SKU or \
            per colour, so four colours can mean four times the MOQ. A first order at the MOQ \
            costs less cash than a discounted order at three times the MOQ. Use MOQ benchmarks to \
            spot a supplier asking for an unusual MOQ. Ask every supplier for their MOQ early, \
            before samples, so an MOQ far above the benchmarks does not surprise you late.",
        query: "What MOQ benchmarks apply to {item}? Is the MOQ per SKU or per colour, and what \
            MOQ is normal?",
        casual: "Is a {moq} unit MOQ normal for a small first order of {item}?",
        answer: "For {category} a first-order minimum of a few hundred to a couple of thousand \
            units is normal, and it is usually per colour or SKU. {moq} units is in range; \
            launching with fewer colours keeps the total down.",
    },
    Article {
        milestone: Some("M5"),
        title: "Supplier vetting checklist",
        section: "Checklist",
        source: "Supplier Network Notes",
        content: "Vet every supplier before you pay a deposit. The supplier vetting checklist: \
            business licence; export experience; references from two customers; certifications \
            such as ISO 9001; a video call walking the factory floor; sample quality. In supplier \
            vetting, check whether the supplier is the factory or a trading company. Run supplier \
            vetting on three to five suppliers and score each supplier on the supplier vetting \
            checklist. A supplier that refuses a video call or references fails supplier vetting. \
            Keep supplier vetting notes for every supplier, including the ones you reject.",
        query: "What goes on the supplier vetting checklist for my {item} supplier? In supplier \
            vetting, how do I check the supplier's references, certifications and video call of \
            the factory floor?",
        casual: "How do I do supplier vetting on a {item} supplier before I pay a deposit?",
        answer: "Ask for the business licence, two customer references and certificates, and \
            insist on a video call walking the factory floor. Check whether you are talking to the \
            factory or a trading company. A supplier who refuses the call is out.",
    },
    Article {
        milestone: Some("M5"),
        title: "Factory audits and supplier samples",
        section: "Checklist",
        source: "Supplier Network Notes",
        content: "Before production, order supplier samples from the top two or three suppliers \
            and compare the supplier samples against the product spec. For orders above $10k, book \
            a factory audit: a third-party factory audit costs $300-900 per day and checks \
            capacity, quality systems, working conditions and whether the supplier really is the \
            factory. A social compliance factory audit matters if you plan to sell to large \
            retailers. Keep the supplier samples as the quality reference after the factory audit. \
            A factory audit report also helps later when you negotiate with the supplier.",
        query: "Should I book a factory audit for my {item} supplier? What does a third-party \
            factory audit cost per day, and should I compare supplier samples before the factory \
            audit?",
        casual: "Is a factory audit of my {item} supplier worth $300-900 per day?",
        answer: "For an order of roughly {first_run} units, an audit at $300-900 a day is cheap \
            insurance: it confirms capacity, quality systems and that the supplier really is the \
            factory. Compare the top suppliers' samples side by side against your spec first.",
    },
    Article {
        milestone: Some("M5"),
        title: "Requesting quotes: RFQ template and quote comparison",
        section: "Template",
        source: "ProLaunch Playbook",
        content: "Send every supplier the same RFQ (request for quotation) so each quote is \
            comparable. The RFQ lists the product spec, quantity tiers such as 500, 1000 and 3000 \
            units, packaging, delivery date, Incoterm and payment terms. The RFQ asks each \
            supplier to quote unit price per quantity tier, tooling cost, lead time and MOQ. \
            Compare each quote from the RFQ in one table on landed cost, not unit price. A quote \
            far below the others usually hides a cheaper material, so check every quote against \
            the RFQ.",
        query: "What should the RFQ for my {item} list so each supplier quote is comparable? \
            Should the RFQ ask for unit price per quantity tier?",
        casual: "How do I compare each quote for {item} after my RFQ?",
        answer: "Put them in one table on the same basis: unit price per quantity tier, tooling, \
            samples, lead time, MOQ and Incoterm. Then compare landed cost, not unit price. A \
            quote far below the rest usually means a cheaper material; check it against your spec.",
    },
    Article {
        milestone: Some("M5"),
        title: "Supplier payment terms and contracts",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Standard supplier payment terms for a first order are a 30% deposit and a 70% \
            balance before shipment; established buyers negotiate payment terms with the balance \
            against the bill of lading or net 30. Pay the deposit only to a company account whose \
            name matches the supplier contract. The supplier contract states the payment terms, \
            deposit, balance, product spec, quantity, unit price, delivery date, inspection rights \
            and tooling ownership. Never agree supplier payment terms that pay the balance before \
            inspection.",
        query: "Are a 30% deposit and a 70% balance normal supplier payment terms for my {item}? \
            What payment terms go in the supplier contract?",
        casual: "The {item} supplier wants a 50% deposit and the balance before inspection. Are \
            those normal payment terms?",
        answer: "30% deposit and 70% before shipment is the norm for a first order; half upfront \
            is negotiable. Pay only to a company account matching the contract, and make sure the \
            contract names your spec, inspection rights, the delivery date and who owns the \
            tooling.",
    },
    // ---- M6 Manufacturing Plan ----
    Article {
        milestone: Some("M6"),
        title: "Production timeline and lead times",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "Build the production timeline backwards from the launch date. Lead times in a \
            first production timeline: 30-45 days of production lead time after sample approval, \
            3-7 days of inspection lead time, 25-40 days of freight lead time, and 5-10 days of \
            warehouse lead time. Add a 20% buffer to every lead time in the production timeline. \
            If the production timeline and its lead times do not fit the launch date, move the \
            launch date, not the quality checks. Share the production timeline with your supplier \
            and update each lead time weekly during production.",
        query: "What lead time goes in the production timeline of my {item}, working back from the \
            launch date?",
        casual: "What lead time should my production timeline for {item} assume?",
        answer: "Roughly {lead} weeks end to end for {product}: 30-45 days of production, a week \
            for inspection, 25-40 days at sea and through customs, then receiving. Add 20% buffer \
            and work backwards from the launch date.",
    },
    Article {
        milestone: Some("M6"),
        title: "Factory holidays and Chinese New Year in the production timeline",
        section: "Guide",
        source: "Supplier Network Notes",
        content: "Factory holidays stretch lead times. Chinese New Year closes most factories for \
            two to four weeks in January or February, and production slips for three to six weeks \
            around Chinese New Year because workers return late. Place orders so production \
            finishes before Chinese New Year, or start the production timeline after Chinese New \
            Year. Golden Week in October is another factory holiday. Add every factory holiday to \
            the production timeline before you promise a launch date. Ask the factory for its \
            holiday calendar when you place the order.",
        query: "How does Chinese New Year affect the production timeline of my {item}? Should \
            production finish before Chinese New Year and the factory holiday?",
        casual: "Will Chinese New Year delay production of my {item} this winter?",
        answer: "Very likely if production overlaps late January or February. Factories close for \
            two to four weeks and restart slowly, so aim to finish {product} before the break or \
            start after it, and add the slip to your production timeline.",
    },
    Article {
        milestone: Some("M6"),
        title: "Quality control and AQL inspection",
        section: "Checklist",
        source: "Quality Desk",
        content: "Quality control inspection for a production run uses AQL (acceptable quality \
            limit) sampling. An AQL inspection before shipment checks a random sample of finished \
            units against the golden sample: for 1000 units at general level II, the AQL \
            inspection checks 80 units. Common AQL levels: 0 critical defects, 2.5 major defects, \
            4.0 minor defects. Book the AQL inspection when 80% of the order is packed. A quality \
            control AQL inspection costs $250-400 per day. Do not pay the balance until the AQL \
            inspection passes the AQL levels.",
        query: "When do I book the AQL inspection for my {item}, and which AQL levels should the \
            AQL inspection use?",
        casual: "Do I need a quality control AQL inspection of my {item}?",
        answer: "Yes: book a pre-shipment inspection when about 80% of the {first_run} units are \
            packed. At general level II the inspector pulls a random sample and checks it against \
            the golden sample, with 0 critical, 2.5 major and 4.0 minor as typical limits. Pay the \
            balance only after it passes.",
    },
    Article {
        milestone: Some("M6"),
        title: "Golden sample sign-off before production",
        section: "Guide",
        source: "Quality Desk",
        content: "The golden sample is the approved sample that defines quality for the whole \
            production run. Sign off two golden samples: the factory keeps one golden sample, you \
            keep the other golden sample. Every inspection compares production units against the \
            golden sample. Do not sign off the golden sample until materials, colours, packaging \
            and labels are final; changes after golden sample sign off restart production. \
            Photograph the golden sample from every side and attach the photos to the purchase \
            order, so the golden sample stays the reference even if the physical golden sample is \
            lost.",
        query: "How do I sign off the golden sample for my {item} before production? Should the \
            factory keep one golden sample?",
        casual: "Do I need a golden sample for production of my {item}?",
        answer: "It is the signed pre-production sample both you and the factory keep as the \
            quality reference. Approve it only when materials, colours, packaging and labels for \
            {product} are final, because changes after sign-off restart the clock.",
    },
    Article {
        milestone: Some("M6"),
        title: "Tooling and mould costs",
        section: "Benchmarks",
        source: "Supplier Network Notes",
        content: "Products with moulded plastic parts need tooling: an injection mould. Tooling \
            cost benchmarks: a single-cavity injection mould has a tooling cost of $3k-8k, a \
            multi-cavity injection mould a tooling cost of $10k-40k. Making the mould takes 4-8 \
            weeks and one or two trial runs. Amortise the tooling cost over the first production \
            runs in unit cost. The contract should say you own the tooling and the mould can move \
            to another factory. Ask for the tooling cost, mould lead time and trial run dates in \
            writing before paying the tooling deposit.",
        query: "What tooling cost for a single-cavity injection mould for my {item}, and how do I \
            amortise the tooling cost?",
        casual: "Is the tooling cost quoted for my {item} mould normal?",
        answer: "A simple single-cavity mould usually runs $3,000-8,000 and takes 4-8 weeks. \
            Spread the cost over the first couple of runs when you work out unit cost, and make \
            sure the contract says you own the tooling.",
    },
    Article {
        milestone: Some("M6"),
        title: "Inventory planning for the first production run",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Inventory planning sizes the first production run from demand, not MOQ alone. \
            Start from pre-orders and monthly sales, multiply by the months until a reorder \
            arrives, and add safety stock of 20-30%. For most first production runs, inventory \
            planning means 3-6 months of inventory. Too much inventory ties up cash; too little \
            inventory means stockouts. Inventory planning also sets the reorder point: reorder \
            when inventory covers the lead time plus safety stock. Update inventory planning \
            monthly after launch, using real sales instead of forecasts.",
        query: "How do I do inventory planning for the first production run of {item}? How much \
            inventory and safety stock, and what reorder point?",
        casual: "How much inventory should my first production run of {item} have?",
        answer: "Size it from demand: {preorders} pre-orders plus expected monthly sales times the \
            months until a reorder could land, plus 20-30% safety stock. For {product} that points \
            to about {first_run} units, which also clears the MOQ.",
    },
    // ---- M7 Logistics & Fulfilment ----
    Article {
        milestone: Some("M7"),
        title: "Landed cost per unit: freight, duty and fulfilment",
        section: "Calculator",
        source: "ProLaunch Playbook",
        content: "Landed cost per unit is the true cost of getting one unit to your customer: \
            factory price plus freight, insurance, import duty, customs brokerage and fulfilment \
            fees. Calculate landed cost per unit for every SKU. Divide freight and brokerage \
            across the units in the shipment, apply the duty rate to the customs value, then add \
            fulfilment fees per order. Freight per unit falls with larger orders; duty per unit \
            does not. Recalculate landed cost per unit whenever freight rates or duty rates \
            change, and price from landed cost, never from factory price.",
        query: "How do I calculate the landed cost per unit of my {item}: factory price, freight \
            per unit, import duty, customs brokerage and fulfilment fees?",
        casual: "For the landed cost of my {item}, how do freight, duty and fulfilment add up per \
            unit?",
        answer: "Start from the factory price, add freight and brokerage divided over the \
            shipment, apply the duty rate to the customs value, then add fulfilment per order. For \
            {product} that gives about {landed} per unit; freight per unit drops with bigger \
            orders, duty does not.",
    },
    Article {
        milestone: Some("M7"),
        title: "Landed cost worked example: freight and duty per unit",
        section: "Example",
        source: "ProLaunch Research",
        content: "Worked example of landed cost per unit for 1,000 ceramic mugs shipped by sea. \
            Factory price $4.00 per unit. Sea freight for the shipment $900, so freight per unit \
            $0.90. Import duty 6% of the $4.00 customs value, so duty per unit $0.24. Customs \
            brokerage $200, so $0.20 per unit. Fulfilment fees $3.50 per order. Landed cost per \
            unit: $8.84. At 3,000 units freight per unit drops to $0.35 and brokerage to $0.07, so \
            landed cost per unit falls to $8.16. Duty per unit stays the same.",
        query: "Can you show a worked landed cost per unit example for {item}: freight per unit, \
            duty per unit and brokerage per unit at 1,000 and 3,000 units?",
        casual: "What is a realistic landed cost per unit for {item}?",
        answer: "Take your {unit_cost} factory price, add sea freight divided over the order, duty \
            on the customs value, brokerage and fulfilment. At your order size that comes to \
            roughly {landed} per unit; tripling the order mostly cuts the freight share.",
    },
    Article {
        milestone: Some("M7"),
        title: "HS codes and import duty rates",
        section: "Guide",
        source: "Customs Desk",
        content: "Every imported product needs an HS code (harmonised system tariff code), which \
            sets the import duty rate. Find the HS code in the customs tariff of the importing \
            country and confirm the HS code with your customs broker; a wrong HS code means \
            penalties or overpaid import duty. Import duty is charged on the customs value, so \
            understating value on the commercial invoice is customs fraud. Some HS codes carry \
            extra duties, so check the HS code before you fix the retail price.",
        query: "How do I find the right HS code for my {item} and its import duty rate? Should my \
            customs broker confirm the HS code?",
        casual: "Which HS code and import duty apply to my {item}?",
        answer: "It depends on the HS code: look up the tariff for {product} in the importing \
            country's customs tariff and have your broker confirm it. Duty is charged on the \
            customs value on the commercial invoice, so keep that value honest.",
    },
    Article {
        milestone: Some("M7"),
        title: "Customs clearance documents and the customs broker",
        section: "Checklist",
        source: "Customs Desk",
        content: "Customs clearance needs the commercial invoice, packing list and bill of lading. \
            The customs broker files the customs entry for customs clearance, pays import duty for \
            you and charges $100-250 per customs entry. In the US, customs clearance needs a \
            customs bond; in the EU, an EORI number. Send the customs broker the documents a week \
            before arrival so customs clearance is not delayed. Check that the commercial invoice \
            value, quantities and HS code match the packing list, because a mismatch is the most \
            common reason customs clearance stops, and ask the customs broker for a checklist.",
        query: "What documents does my customs broker need for customs clearance of my {item}? \
            Does customs clearance need a customs bond?",
        casual: "What documents does customs clearance of my {item} need from me?",
        answer: "Your broker needs the commercial invoice, packing list and bill of lading, plus \
            any certificates, about a week before arrival. In the US you also need a customs bond, \
            in the EU an EORI number. Expect $100-250 per entry for the broker.",
    },
    Article {
        milestone: Some("M7"),
        title: "Incoterms for first-time importers: EXW, FOB, DDP",
        section: "Guide",
        source: "Customs Desk",
        content: "An Incoterm defines where the supplier's responsibility ends and yours begins. \
            Under the EXW Incoterm you collect goods at the factory. Under the FOB Incoterm the \
            supplier delivers goods onto the ship; with FOB you pay ocean freight, insurance and \
            import duty. Under the DDP Incoterm the supplier delivers to your door with duty paid, \
            at a higher price. Most first-time importers buy FOB and use a freight forwarder for \
            ocean freight. Quote every supplier on the same Incoterm, usually FOB.",
        query: "Which Incoterm should I use for my {item}: EXW, FOB or DDP? Under the FOB \
            Incoterm, who pays ocean freight?",
        casual: "My supplier quoted {item} FOB. What does the FOB Incoterm cover?",
        answer: "FOB means the supplier pays to get the goods onto the ship at the port; from \
            there ocean freight, insurance, duty and delivery are yours. Most first-time importers \
            buy FOB and hire a freight forwarder; make sure every quote uses the same Incoterm.",
    },
    Article {
        milestone: Some("M7"),
        title: "Choosing a 3PL fulfilment partner",
        section: "Checklist",
        source: "ProLaunch Research",
        content: "A 3PL (third-party logistics) fulfilment partner stores inventory and ships \
            orders. Compare 3PL fulfilment pricing on receiving fees, storage per pallet per \
            month, pick and pack fees per order, packaging and shipping rates. 3PL benchmarks: \
            pick and pack $2.50-4.00 per order, storage $15-40 per pallet per month. Check 3PL \
            integrations with your store, order cut-off times, returns handling and minimum \
            monthly fees. Choose a 3PL fulfilment partner near most customers. Ask each 3PL \
            fulfilment partner for a full quote on a sample month of orders, so 3PL fees are \
            compared on the same basis.",
        query: "How do I choose a 3PL fulfilment partner for {item}? What pick and pack fees per \
            order and storage per pallet per month are normal for a 3PL?",
        casual: "What does a 3PL charge per order to ship my {item}?",
        answer: "Once you are past a few orders a day, a 3PL is usually worth it. Expect \
            $2.50-4.00 pick and pack per order and $15-40 per pallet per month; check they \
            integrate with your store and handle returns.",
    },
    // ---- M8 Brand & Legal ----
    Article {
        milestone: Some("M8"),
        title: "Trademark search before naming your brand",
        section: "Checklist",
        source: "Legal Desk",
        content: "Run a trademark search before you commit to a brand name, buy domains or print \
            packaging. A trademark search covers the trademark database (USPTO, EUIPO, UKIPO) for \
            identical and similar brand names in your class, then marketplaces and social media \
            for unregistered use. A similar brand name in the same class fails the trademark \
            search even if spelt differently. For a brand you plan to grow, pay a trademark \
            attorney for a clearance trademark search, typically $500-1500. Keep trademark search \
            results on file.",
        query: "How do I run a trademark search for my {item} brand name? Does the trademark \
            search need the trademark database and a similar brand name check?",
        casual: "Do I need a trademark search for my {item} brand name?",
        answer: "Search the USPTO or EUIPO database for the name and close variants in your goods \
            class, then marketplaces and social media. If {company} is the long-term brand, a \
            clearance search by an attorney for $500-1,500 is worth it before you print packaging.",
    },
    Article {
        milestone: Some("M8"),
        title: "Filing a trademark: classes, costs and timeline",
        section: "Guide",
        source: "Legal Desk",
        content: "File a trademark application once the trademark search is clear. Choose \
            trademark classes for your goods: class 21 for kitchenware, class 3 for cosmetics, \
            class 18 for bags, class 28 for toys. Trademark filing costs: USPTO about $350 per \
            class, EUIPO from 850 euro for one class. Trademark registration takes 8-14 months if \
            nobody opposes. File a trademark in every market you sell in. Marketplace brand \
            registry programs need a registered or pending trademark. Watch the trademark filing \
            for office actions and reply before the deadline.",
        query: "How do I file a trademark for my {item} brand? Which trademark class, and what \
            does each trademark class cost?",
        casual: "Which trademark class should I file for my {item} brand?",
        answer: "Pick the class for {product} and file in each market you sell in: roughly $350 \
            per class at the USPTO, from 850 euro at the EUIPO. Registration takes 8-14 months, \
            and a pending application is enough for most marketplace brand registries.",
    },
    Article {
        milestone: Some("M8"),
        title: "Brand identity basics: name, logo and brand voice",
        section: "Framework",
        source: "ProLaunch Playbook",
        content: "Brand identity is how customers recognise and remember you. Define brand \
            identity in a one-page brand guide: brand name, logo, colour palette, typefaces, \
            photography style and brand voice. Brand voice is how the brand sounds in product \
            copy, emails and packaging. A consistent brand identity across website, packaging and \
            social media builds recognition faster than a clever logo. Test the brand name, logo \
            and brand identity with ten target customers. Revisit brand identity once a year; \
            small changes keep the brand identity fresh without losing recognition.",
        query: "What goes into the brand identity for my {item}: brand name, logo, colour palette \
            and brand voice in a one-page brand guide?",
        casual: "Does my small {item} brand really need a brand guide yet?",
        answer: "Write a one-page brand guide for {company}: name, logo, colour palette, \
            typefaces, photo style and a few lines on brand voice. Use it for the website, \
            packaging and social posts; consistency does more than a clever logo.",
    },
    Article {
        milestone: Some("M8"),
        title: "Writing a brand voice guide",
        section: "Template",
        source: "ProLaunch Playbook",
        content: "A brand voice guide keeps product copy, emails and packaging sounding like one \
            brand. Describe the brand voice in three adjectives, each with a do and a don't \
            example. Add words the brand voice uses and words it avoids. Include sample product \
            copy and a sample email in the brand voice. Share the brand voice guide with every \
            freelancer who writes for the brand identity. Review the brand voice guide after \
            launch using real customer emails and reviews; customers often describe the brand \
            voice better than the founder, and their words belong in the brand voice guide.",
        query: "What goes in the brand voice guide for my {item} brand? Which brand voice words?",
        casual: "What brand voice should my {item} brand use in emails?",
        answer: "Pick three adjectives that fit {company} and {customer}, and give a do and a \
            don't line for each. Add words you always use and words you avoid, plus a sample \
            product description, and hand it to anyone who writes for you.",
    },
    Article {
        milestone: Some("M8"),
        title: "Product liability insurance for consumer goods",
        section: "Guide",
        source: "Legal Desk",
        content: "Product liability insurance covers claims that your product caused injury or \
            damage. Retailers and marketplaces require product liability insurance, often $1-2 \
            million per occurrence. Product liability insurance premiums for small brands run \
            $500-3000 a year, higher for children's or electrical products. Buy product liability \
            insurance before the first sale, and keep compliance test reports for the product \
            liability insurance insurer. Review product liability insurance cover each year as \
            sales grow, and ask the insurer whether product liability insurance also covers \
            products sold abroad or through marketplaces.",
        query: "Do I need product liability insurance for my {item}? What product liability \
            insurance cover per occurrence and premium?",
        casual: "Is product liability insurance needed for my {item} before I sell?",
        answer: "That is what product liability insurance is for. Retailers usually ask for $1-2 \
            million per occurrence; for a small brand selling {product} the premium is often \
            $500-3,000 a year. Put it in place before the first sale.",
    },
    Article {
        milestone: Some("M8"),
        title: "Product labelling requirements",
        section: "Checklist",
        source: "Compliance Desk",
        content: "Labelling requirements depend on product category and market. Most labelling \
            requirements ask for the brand name, importer name and address, country of origin, and \
            warnings. Textile labelling requirements add fibre content and care labels; cosmetics \
            labelling requirements add an ingredient list; children's products need tracking \
            labels. Check the labelling requirements of every market before you print a label or \
            packaging, because a wrong label is expensive to fix. Keep a labelling requirements \
            checklist per market and per product, and have the label proof approved before \
            printing.",
        query: "What labelling requirements apply to my {item}? Do the labelling requirements need \
            importer name, country of origin and warnings on the label?",
        casual: "What labelling requirements apply to the label of my {item}?",
        answer: "At minimum: brand, importer name and address, country of origin and any warnings. \
            Then the category rules for {product}: care labels for textiles, ingredient list for \
            cosmetics, tracking labels for children's items. Check each market before you print.",
    },
    // ---- M9 Launch ----
    Article {
        milestone: Some("M9"),
        title: "Launch sequencing: a six-week launch countdown",
        section: "Playbook",
        source: "ProLaunch Playbook",
        content: "Sequence the launch over a six-week launch countdown. Launch countdown week six: \
            inventory confirmed at the warehouse. Weeks five and four: photography and seeded \
            reviews. Week three: influencer seeding and press. Week two: soft launch to the email \
            waitlist to test checkout. Week one: launch emails and ads ready. Launch day: email \
            the waitlist and switch ads on. Do not start the six-week launch countdown before \
            inventory is confirmed. Write the launch countdown into a shared calendar with an \
            owner for every task, and review the launch countdown each week.",
        query: "How should I sequence the launch of {item} in a six-week launch countdown? What \
            happens each launch countdown week?",
        casual: "When should the launch countdown for my {item} start before launch day?",
        answer: "Work back from launch day: confirm inventory six weeks out, shoot photos and seed \
            reviews in weeks five and four, send influencer packages in week three, soft launch to \
            the waitlist in week two, and have the launch emails and ads ready in the last week.",
    },
    Article {
        milestone: Some("M9"),
        title: "Launch week checklist",
        section: "Checklist",
        source: "ProLaunch Playbook",
        content: "Launch week checklist: test checkout with a real order; confirm fulfilment \
            cut-off times; schedule the launch email sequence; switch ads on at launch time; \
            answer support emails within hours; watch inventory daily. During launch week the \
            founder should be available, not travelling. Keep a launch week log of issues, and \
            review the launch week checklist each morning of launch week. After launch week, turn \
            the launch week log into a launch week checklist for the next product, adding every \
            issue you hit and every fix that worked during launch week.",
        query: "What belongs on my launch week checklist for {item}? Should the launch week \
            checklist cover test checkout and fulfilment cut-off times?",
        casual: "What should I check during launch week for my {item}?",
        answer: "Place a real test order, confirm cut-off times with your fulfilment partner, \
            schedule the launch emails, and keep launch week clear so you can answer customers \
            within hours. Log every problem as it happens.",
    },
    Article {
        milestone: Some("M9"),
        title: "Building an email waitlist before launch",
        section: "Guide",
        source: "ProLaunch Research",
        content: "An email waitlist is the most reliable launch channel. Start building the email \
            waitlist eight weeks before launch with a landing page and a signup incentive such as \
            early-bird pricing. Email waitlist benchmarks: launch emails to a warm email waitlist \
            convert 2-6% of subscribers on launch day, and open rates of 40-60% are normal. Send a \
            welcome email, two build-up emails and a launch email sequence of three emails over \
            launch week. Clean the email waitlist before launch by removing bounced addresses.",
        query: "How do I build the email waitlist for my {item} launch? What email waitlist \
            conversion on launch day?",
        casual: "How do I grow the email waitlist for my {item} launch?",
        answer: "From a warm waitlist, expect 2-6% to buy on launch day and 40-60% to open the \
            launch email. With an early-bird offer for {product}, keep the list warm with two \
            build-up emails before launch week.",
    },
    Article {
        milestone: Some("M9"),
        title: "Launch email sequence benchmarks",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "A launch email sequence to the email waitlist is three launch emails over launch \
            week: the launch email on launch day, a reminder with reviews two days later, and a \
            last-chance launch email before the launch offer ends. Launch email benchmarks: open \
            rates of 40-60%, click rates of 5-10%, and 2-6% of the email waitlist buying. The \
            last-chance launch email often brings a third of launch week sales. Write every launch \
            email before launch week, test each launch email on two devices, and check the launch \
            email sequence timing against your time zone and your customers' time zone.",
        query: "How many launch emails should my launch email sequence for {item} have? What \
            launch email open rates and click rates from the email waitlist?",
        casual: "How many launch emails should my {item} launch email sequence have?",
        answer: "Three is standard: the announcement, a reminder with early reviews, and a \
            last-chance email before the offer ends. The last one often brings a third of launch \
            week orders, so do not skip it.",
    },
    Article {
        milestone: Some("M9"),
        title: "Crowdfunding launch benchmarks",
        section: "Benchmarks",
        source: "ProLaunch Research",
        content: "Crowdfunding campaigns reward preparation. Crowdfunding benchmarks: a successful \
            crowdfunding campaign raises 30-40% of the crowdfunding goal in the first 48 hours, \
            mostly from the email list; an email list of 2000-5000 subscribers supports a \
            crowdfunding goal of $30k-60k. Set the crowdfunding goal at the minimum needed for the \
            first production run. Crowdfunding platform fees take 8-10%. Plan crowdfunding rewards \
            that ship within three months. Before the crowdfunding campaign goes live, build a \
            preview page and collect followers, because a crowdfunding campaign with followers on \
            day one reaches its crowdfunding goal faster and gets featured more often.",
        query: "Should I launch {item} with a crowdfunding campaign? What crowdfunding goal, and \
            how much of the crowdfunding goal in the first 48 hours?",
        casual: "Would a crowdfunding campaign be right for my {item} launch?",
        answer: "It can be if your list is big enough: successful campaigns raise 30-40% of the \
            goal in the first two days, mostly from email. Set the goal at what the first run of \
            {product} needs and budget 8-10% for fees.",
    },
    Article {
        milestone: Some("M9"),
        title: "Influencer seeding for product launches",
        section: "Playbook",
        source: "ProLaunch Playbook",
        content: "Influencer seeding means sending free product to an influencer without paid \
            posting. Influencer seeding works best with 30-100 micro-influencers whose audience \
            matches your target customer; expect 20-30% of influencer seeding packages to lead to \
            a post. Send influencer seeding packages three to four weeks before launch so each \
            influencer post lands in launch week. Track each influencer with a unique code. Start \
            with influencer seeding, then pay the influencer whose posts perform. Keep an \
            influencer seeding sheet with addresses, dates and posts for the next launch.",
        query: "How does influencer seeding work for my {item} launch? How many influencer seeding \
            packages, and when should influencer seeding start?",
        casual: "Should I pay an influencer to post about {item} or do influencer seeding?",
        answer: "Start by seeding: send {product} to 30-100 micro-influencers whose followers look \
            like {customer}, three to four weeks before launch. About a quarter will post; pay the \
            ones whose codes convert.",
    },
    // ---- General: every milestone ----
    Article {
        milestone: None,
        title: "Unit economics glossary for product founders",
        section: "Reference",
        source: "ProLaunch Playbook",
        content: "Unit economics describe the profit of one unit or one order. COGS is the factory \
            cost per unit; landed cost adds freight, duty and brokerage. Gross margin is revenue \
            minus landed cost, divided by revenue. Contribution margin subtracts fulfilment, \
            payment fees and marketing per order. CAC, customer acquisition cost, is marketing \
            spend divided by new customers. LTV, lifetime value, is gross profit per customer over \
            their lifetime. Healthy unit economics: LTV at least three times CAC and a positive \
            contribution margin. In short, unit economics compare landed cost, gross margin, \
            contribution margin, CAC and LTV.",
        query: "Can you explain the unit economics of my {item}: landed cost, gross margin, \
            contribution margin per order, CAC and LTV?",
        casual: "Are the unit economics of my {item} healthy with this gross margin and CAC?",
        answer: "Gross margin is price minus landed cost; contribution margin also takes off \
            fulfilment, payment fees and marketing for each order. For {product} at {price}, a \
            gross margin near {margin} only works if contribution stays positive after ads.",
    },
    Article {
        milestone: None,
        title: "Cash flow planning for inventory businesses",
        section: "Guide",
        source: "ProLaunch Research",
        content: "Inventory businesses run out of cash while growing. Cash flow goes out when you \
            pay the supplier deposit, the balance, freight and duty, and cash flow comes back only \
            when inventory sells, four to six months later. Build a monthly cash flow forecast \
            with every supplier payment and expected sales. Keep a cash buffer of two months of \
            costs in the cash flow forecast. Pre-orders and supplier payment terms ease cash flow. \
            Never commit to a production run the cash flow forecast cannot cover.",
        query: "How do I build a monthly cash flow forecast for my {item}? Which supplier payments \
            go in the cash flow forecast?",
        casual: "How do I plan cash flow before my {item} inventory sells?",
        answer: "Map every payment month by month: deposit, balance, freight, duty, then the sales \
            you expect. For {product} the gap between paying the factory and getting paid is often \
            four to six months, so keep two months of costs in reserve.",
    },
    Article {
        milestone: None,
        title: "Sales tax and VAT basics for online sellers",
        section: "Reference",
        source: "Tax Desk",
        content: "Online sellers must collect sales tax or VAT where they have an obligation. In \
            the US, sales tax nexus comes from physical presence, including inventory in a 3PL or \
            marketplace warehouse, or from economic nexus thresholds, often $100,000 in sales per \
            state. Marketplaces collect sales tax for marketplace sales in most states. In the EU, \
            VAT applies to consumer sales, and the One-Stop Shop scheme simplifies VAT above \
            10,000 euro of cross-border sales. Register for sales tax or VAT before the first \
            sale.",
        query: "Do I need to collect sales tax or VAT on {item}? When does sales tax nexus or the \
            EU VAT One-Stop Shop apply to online sellers?",
        casual: "Do I have to collect sales tax or VAT on {item}?",
        answer: "Probably somewhere. In the US, stock held in a warehouse or passing a state's \
            sales threshold creates an obligation; in the EU, VAT applies and the One-Stop Shop \
            simplifies cross-border sales. Register before the first sale of {product}.",
    },
    Article {
        milestone: None,
        title: "Returns policy and customer support basics",
        section: "Guide",
        source: "ProLaunch Playbook",
        content: "Write a returns policy before launch. A clear returns policy states the return \
            window (30 days is standard), the condition, who pays return shipping and refund \
            timing. Typical return rates: 2-5% for home goods, 10-30% for apparel. A generous \
            returns policy raises conversion more than it raises return rates. Customer support \
            should answer within 24 hours and tag every return reason. Review the returns policy \
            and return rates every quarter. Publish the returns policy on the product page and in \
            the order confirmation email, so customers read the returns policy before they buy.",
        query: "What should the returns policy for my {item} say about the return window and \
            return shipping? What return rates are normal?",
        casual: "What returns policy should my {item} have, and who pays return shipping?",
        answer: "A 30-day window with clear conditions is standard, and a generous policy usually \
            lifts conversion more than it lifts returns. For {product} plan for a low single-digit \
            return rate and answer support emails within a day.",
    },
    Article {
        milestone: None,
        title: "Running weekly milestone reviews",
        section: "Playbook",
        source: "ProLaunch Playbook",
        content: "A weekly milestone review keeps a solo founder moving. Each weekly milestone \
            review covers what the current milestone needs, what was done last week, decisions and \
            blockers, and three priorities for next week. Write decisions into the milestone \
            notes. If a milestone has not moved in two weekly milestone reviews, cut its scope or \
            ask for help. A weekly milestone review takes 30 minutes. Keep every weekly milestone \
            review in one document, so the history of each milestone, its decisions and its \
            blockers is easy to find when a later milestone depends on it.",
        query: "What goes in the weekly milestone review for my {item} milestone?",
        casual: "Would a weekly milestone review help me move faster on {item}?",
        answer: "Do a 30-minute weekly review: what the milestone still needs, what got done, \
            decisions and why, blockers, and three priorities. If nothing has moved in two \
            reviews, shrink the scope or ask for help.",
    },
    Article {
        milestone: None,
        title: "Working with freelancers and agencies",
        section: "Guide",
        source: "ProLaunch Research",
        content: "Founders hire a freelancer for design, photography, copywriting and ads. Write a \
            freelancer brief: goal, deliverables, deadline, budget and examples. Give each \
            freelancer a paid test task before a larger project. Agree in writing that you own the \
            freelancer's work and design files. An agency costs more than a freelancer but \
            coordinates several specialists. Pay each freelancer on milestones, and keep the \
            freelancer brief for the next freelancer. Rate each freelancer after the project and \
            keep the notes, so the next freelancer brief starts from what worked.",
        query: "What goes in a freelancer brief for my {item} design, and should each freelancer \
            do a paid test task?",
        casual: "Should I hire an agency or a freelancer for my {item} design?",
        answer: "For a first product a freelancer with a clear brief is usually enough: goal, \
            deliverables, deadline, budget and examples. Start with a paid test task, make sure \
            you own the files, and pay on milestones.",
    },
];

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

/// Journey and chat text for one milestone.
pub struct MilestoneText {
    /// Completion summaries (`milestone_data.summary`).
    pub summaries: &'static [&'static str],
    /// Key decisions; the generator picks three.
    pub decisions: &'static [&'static str],
    /// Ordinary chat exchanges while working on the milestone: (user, assistant).
    pub chats: &'static [(&'static str, &'static str)],
}

/// Journey and chat text, indexed like `MILESTONES`.
pub const MILESTONE_TEXT: &[MilestoneText] = &[
    MilestoneText {
        summaries: &[
            "{company} will sell {product} to {customer}. The founder brings {background} and a clear view of the \
             problem. The value proposition centres on the {differentiator}. First channel: {channel}. Launch \
             budget set at {budget}, with six months of personal runway on top.",
            "Business DNA captured for {company}: {product} at around {price}, aimed at {customer}. The edge is \
             the {differentiator}; the main gap is supplier experience, to be covered by an advisor. The \
             founder committed to a 12-month plan and a launch budget of {budget}.",
            "Defined who {company} serves ({customer}), what it sells ({product}) and why it wins (the \
             {differentiator}). Agreed to start on {channel}, keep the first range to one hero product and \
             review the plan monthly against a launch budget of {budget}.",
        ],
        decisions: &[
            "Start with a single hero product instead of a range",
            "Sell through {channel} first",
            "Cap the launch budget at {budget}",
            "Recruit an advisor with sourcing experience",
            "Target {customer} only for the first year",
        ],
        chats: &[
            (
                "I'm trying to pin down what makes {company} different. Is the {differentiator} enough of an edge?",
                "It can be, if {customer} actually notice it. Put it in the first line of your pitch and test whether \
              people repeat it back. If they mention something else first, that is your real edge. Either way, \
              one clear reason to choose {product} beats a list of five.",
            ),
            (
                "Should I launch with three variants of my {item} or just one?",
                "Start with one. Every extra variant multiplies MOQ, samples and photography, and splits your early \
              reviews. Launch the variant {customer} ask for most, then add colours or sizes once you have sales \
              data.",
            ),
            (
                "How much of my own time should I budget per week for this while I still have a job?",
                "Plan on 12-15 focused hours a week and protect them in your calendar. At that pace a first physical \
              product usually takes 12-15 months to launch, so set milestones by month rather than by week.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Market research for {product}: bottom-up TAM about {tam}, SAM about {sam}, SOM about {som}. \
             Reviewed {competitors} competitors; most sit between {comp_low} and {comp_high}, and the most common \
             complaint in reviews is the one the {differentiator} fixes.",
            "Sized the market for {product} from household data: TAM {tam}, reachable SAM {sam}. Tore down \
             {competitors} competitors and tagged 240 reviews; durability and cleaning were the top unmet needs. \
             Search demand is steady with a fourth-quarter peak.",
            "Research confirmed room for {company}: the category is growing, {competitors} competitors have \
             no clear leader in the {price} price band, and a SOM of {som} within three years looks realistic \
             from a bottom-up TAM of {tam}.",
        ],
        decisions: &[
            "Position between mass-market and premium competitors",
            "Lead the messaging with the top complaint from competitor reviews",
            "Focus on the domestic market for the first 18 months",
            "Use bottom-up numbers in the investor deck",
            "Skip the lowest price band entirely",
        ],
        chats: &[
            (
                "The big competitor in {item} has 12,000 reviews. Can a new brand even get noticed?",
                "Yes, by being specific. The big player serves everyone; you serve {customer}. Read its three-star \
              reviews, find the complaint it ignores, and make that your headline. Smaller, focused brands win \
              search terms and communities the giant does not bother with.",
            ),
            (
                "Where do I find real numbers on how many households buy {item} each year?",
                "Start with government household surveys and trade association reports, then sanity-check with \
              marketplace bestseller ranks and search volume. Write down each assumption so you can replace it \
              when better data turns up.",
            ),
            (
                "I found a competitor selling almost the same {item} for half my price. Should I worry?",
                "Look at what they cut to get there: materials, finish, packaging, support. If {customer} care about \
              the {differentiator}, a cheaper look-alike is a different product for a different buyer. Note it in \
              the teardown and move on.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Validated the problem with {interviews} interviews and {survey} survey responses. The landing page \
             smoke test converted {signup} of visitors to email signups, and {preorders} people paid a deposit. \
             {customer} described the problem unprompted in most interviews.",
            "Customer validation done: {interviews} problem interviews, a smoke test at {signup} signup \
             conversion and {preorders} paid pre-orders. The strongest signal was {customer} already paying for \
             a workaround they dislike.",
            "Ran {interviews} interviews with {customer}, then a survey ({survey} responses) and a reserve page. \
             {preorders} pre-orders at full price give enough confidence to define the product.",
        ],
        decisions: &[
            "Keep the deposit refundable until the ship date is confirmed",
            "Drop the secondary customer segment",
            "Lead the landing page with the problem, not the product",
            "Use the pre-order list as the launch waitlist",
            "Re-run the smoke test only if conversion falls below 3%",
        ],
        chats: &[
            (
                "Three people in my interviews said they'd definitely buy my {item}. Is that validation?",
                "It is encouraging but not validation yet. People are polite in interviews. Ask those three for a \
              refundable deposit; if two of them pay, that is a real signal. Meanwhile, look at whether the \
              problem came up before you mentioned {product}.",
            ),
            (
                "My smoke test ads are getting clicks but nobody signs up. What should I change first?",
                "Change the page before the ads. If people click but leave, the headline is not matching what the ad \
              promised. Lead with the problem {customer} described in interviews, show one clear image and one \
              signup button, and test again with 300 visitors.",
            ),
            (
                "Is it okay to ask friends and family to pre-order my {item}?",
                "Let them, but do not count them. Validation has to come from strangers who match your target \
              customer. Tag friends and family separately so your pre-order numbers stay honest, and report both \
              numbers in your notes.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Product defined: {product} with the {differentiator} as the hero feature. Tech pack v3 sent to \
             suppliers with dimensions, tolerances and a bill of materials. Two nice-to-have features moved to \
             version two after prototype testing.",
            "Finalised the spec for {product} after two prototype rounds with early users. Compliance testing \
             identified; packaging will be a printed mailer box that doubles as the retail box.",
            "MVP scope fixed: one size, two colours, and the {differentiator} as the hero feature. The product \
             spec is versioned, every change goes through a change log, and compliance testing is planned with \
             an accredited lab.",
        ],
        decisions: &[
            "Launch with two colours only",
            "Move the accessory add-on to version two",
            "Use a mailer box that doubles as retail packaging",
            "Budget for compliance testing at an accredited lab",
            "Freeze the tech pack at version 3",
        ],
        chats: &[
            (
                "Testers loved the prototype of my {item} but asked for a carry case. Should I add one?",
                "Not for launch. A case means another supplier, another sample round and more MOQ. Put it on the \
              version-two list with how many testers asked; if it keeps coming up after launch, it becomes a \
              natural add-on sale.",
            ),
            (
                "How precise do tolerances in the tech pack need to be for {item}?",
                "Precise wherever parts meet or where the customer will notice: lids, seals, fit. Elsewhere use the \
              factory's standard tolerance. Over-tight tolerances raise the unit price without improving the \
              product, and they cause arguments at inspection.",
            ),
            (
                "Can I use recycled materials without making the {item} feel cheap?",
                "Often yes. Ask suppliers for recycled-content samples next to the virgin material, and judge them by \
              touch, weight and finish. Customers notice finish far more than material origin, so ask for the \
              same finish on both.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Retail price set at {price} for {product}. Landed cost of {landed} gives a gross margin of {margin}. \
             Wholesale price fixed at {wholesale} for retailers. A small price test showed little drop in \
             conversion at the higher price.",
            "Pricing agreed: {price} retail, {wholesale} wholesale, launch offer of 15% for the waitlist only. \
             Gross margin after landed cost is {margin}, inside the benchmark for {category}.",
            "Priced {product} from landed cost ({landed}) and competitor research: {price} retail, {margin} \
             gross margin, bundles of two at 10% off to lift order value.",
        ],
        decisions: &[
            "Retail price {price}, no permanent discounts",
            "Waitlist-only launch discount of 15%",
            "Offer a bundle of two instead of a lower price",
            "Wholesale at {wholesale} with a 12-unit minimum",
            "Review price after 100 orders",
        ],
        chats: &[
            (
                "My accountant says {price} is too high for {item}. Competitors are cheaper. Should I drop it?",
                "Not before testing. Your price should sit between the cost floor and what {customer} will pay for \
              the {differentiator}. Run a short price test on the landing page; if conversion holds at {price}, \
              keep it. Cutting price later is easy, raising it is hard.",
            ),
            (
                "Should I show the price on the pre-order page or keep it hidden?",
                "Show it. A visible price filters out people who would never buy and makes your conversion numbers \
              honest. Hidden prices inflate signups and hide the real demand you need to plan the first \
              production run.",
            ),
            (
                "Do I need different prices for Amazon and my own store?",
                "Keep one public retail price everywhere. Marketplaces penalise listings that are cheaper elsewhere, \
              and retailers dislike being undercut by your own store. Use bundles or free shipping on your store \
              instead of a lower price.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Supplier chosen in {region} after vetting four suppliers and comparing quotes on landed cost. First \
             order MOQ negotiated down to {moq} units at {unit_cost} per unit. Payment terms 30% deposit, 70% \
             before shipment.",
            "Sourcing done: the factory in {region} passed a video audit and reference checks. Quote at \
             {unit_cost} per unit for {moq} units; tooling paid separately and owned by {company}, with samples \
             kept as the quality reference.",
            "Compared five quotes for {product}; the chosen supplier in {region} was mid-priced but the only one \
             to match the spec on samples. MOQ {moq}, unit cost {unit_cost}.",
        ],
        decisions: &[
            "Pay a higher unit price for a lower first MOQ",
            "Choose the factory over the trading company",
            "Own the tooling outright",
            "Keep a backup supplier quote on file",
            "Pay the balance only after inspection",
        ],
        chats: &[
            (
                "The supplier in {region} replies within minutes but won't do a video call. Red flag?",
                "Yes, treat it as one. Fast replies are often from a trading company's sales team. Ask again for a \
              live walk-through of the production line and the business licence; if they still refuse, move them \
              to the bottom of your list.",
            ),
            (
                "One quote for my {item} is 40% cheaper than the others. What am I missing?",
                "Usually something in the spec: thinner material, a cheaper finish, no packaging, or a different \
              Incoterm. Send the cheapest supplier your tech pack again and ask them to confirm each line. Compare \
              on landed cost, not unit price.",
            ),
            (
                "How many samples should I order before choosing a supplier?",
                "Order from your top two or three suppliers, compare them side by side against the spec, and keep \
              the winner's sample as your reference. Paying for samples is normal and cheap compared with a bad \
              production run.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Manufacturing plan set: golden sample signed by both sides, a first run of {first_run} units, and \
             production of about {lead} weeks including freight. A third-party AQL inspection is booked before \
             the balance payment, and the factory holiday calendar is in the production timeline.",
            "Production scheduled in {region} for {first_run} units. The timeline works back from the launch \
             date with a 20% buffer on every lead time; a third-party inspection at AQL 2.5 major is booked \
             before the balance payment.",
            "Golden sample approved and photographed; production lead time {lead} weeks including freight. \
             Inventory planned at four months of sales plus safety stock, with a first run of {first_run} units \
             and a reorder point agreed with the supplier.",
        ],
        decisions: &[
            "First run of {first_run} units",
            "Third-party AQL inspection before balance",
            "Finish production before the factory holiday",
            "Keep 25% safety stock",
            "Sign two golden samples",
        ],
        chats: &[
            (
                "The factory says production of my {item} will take 45 days. Should I believe that?",
                "Believe it as a best case. Add a buffer of about 20%, and more if the run crosses a factory \
              holiday. Ask for a production schedule with milestones (materials in, production start, packing) \
              so you see slippage early.",
            ),
            (
                "Can I skip the inspection to save money on my first run?",
                "I would not. An inspection costs a few hundred dollars; a container of defective {item} costs your \
              launch. Book it when most of the order is packed and pay the balance only after it passes.",
            ),
            (
                "What should I photograph on the golden sample before I approve it for production?",
                "Every side, close-ups of seams, logos and finishes, the packaging and labels, and a ruler for scale. \
              Attach the photos to the purchase order so both sides refer to the same standard.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Logistics set: FOB {region} with a freight forwarder, sea freight, HS code confirmed by the broker. \
             Landed cost {landed} per unit. 3PL chosen near most customers.",
            "Fulfilment partner signed near most customers; landed cost per unit worked out at {landed} \
             including freight, duty and fulfilment. Customs bond in place and the HS code confirmed with the \
             broker before the first shipment.",
            "Shipping plan for {first_run} units: ocean freight, customs broker, 3PL receiving. Landed cost \
             {landed}; freight per unit drops by a third at the next order size.",
        ],
        decisions: &[
            "Buy FOB and use a freight forwarder",
            "Ship by sea, not air",
            "Use a 3PL instead of packing at home",
            "Confirm the HS code with the broker",
            "Keep two months of stock at the 3PL",
        ],
        chats: &[
            (
                "Sea or air freight for my first shipment of {item}?",
                "Sea, unless you are late for a launch date. Air can cost five to eight times more per unit and \
              would wipe out much of your margin. Use air only for a small top-up if sea freight slips.",
            ),
            (
                "The 3PL charges a receiving fee per carton. Is that normal?",
                "Yes, most charge per carton or per pallet to receive stock. Ask the factory to pack full, labelled \
              master cartons so receiving is quick, and include receiving in your landed cost.",
            ),
            (
                "Do I need a customs broker or can I clear the shipment myself?",
                "For a first import, use a broker. They file the entry, confirm the tariff code and pay duty on your \
              behalf for a modest fee. Mistakes at customs cost far more than the broker.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Brand and legal: trademark search for {company} came back clear and the application is filed in \
             the main class. Product liability insurance is bound before the first sale. Labels were checked for \
             country of origin, importer address and warnings.",
            "Registered the {company} trademark and bought the matching domains. A one-page brand guide is \
             written with a calm, expert voice for {customer}. Product liability cover of $2 million per \
             occurrence is in place.",
            "Brand identity finished: logo, palette and brand voice guide, tested with ten target customers. \
             The trademark application is pending and labelling requirements are checked for both launch \
             markets before packaging goes to print.",
        ],
        decisions: &[
            "File the trademark before printing packaging",
            "Buy product liability insurance before the first sale",
            "Use a one-page brand guide",
            "Add country of origin to all labels",
            "Register with the marketplace brand registry",
        ],
        chats: &[
            (
                "Another company has a similar name to {company} but sells furniture. Is that a problem?",
                "Probably not if they are in a different class and market, but check with a clearance search. The \
              risk grows if your goods overlap or you plan to expand toward theirs. A trademark attorney can give \
              a quick opinion for a modest fee.",
            ),
            (
                "Do I need a lawyer to register my trademark, or can I file it myself online?",
                "Not strictly, but a clearance search and filing by an attorney avoids the common mistakes: wrong \
              class, weak description, missed conflicts. For a name you plan to build on, it is money well spent.",
            ),
            (
                "What tone should {company} use on social media compared with our packaging and emails?",
                "The same one as on your packaging and emails. Pick three adjectives from your brand guide and check \
              every post against them. Consistency builds recognition faster than clever posts or frequent \
              changes of style.",
            ),
        ],
    },
    MilestoneText {
        summaries: &[
            "Launch plan ready: six-week countdown, email waitlist of {waitlist} subscribers, influencer seeding \
             to 40 creators, launch offer for the waitlist only.",
            "Launch sequencing agreed: soft launch to the waitlist two weeks before the public launch, a launch \
             email sequence of three emails, and influencer seeding packages sent three weeks ahead of launch \
             day.",
            "Launch week checklist and metrics dashboard ready; {waitlist} people on the waitlist, checkout \
             tested with a real order, and the founder's calendar cleared for support during launch week.",
        ],
        decisions: &[
            "Launch to the waitlist first",
            "Seed 40 micro-influencers",
            "No paid ads until the first reviews arrive",
            "Founder on support during launch week",
            "Skip crowdfunding",
        ],
        chats: &[
            (
                "Should I launch my {item} on a Tuesday or on a weekend?",
                "Mid-week usually works better for email opens and press, and it leaves you a working week to fix \
              problems. Avoid launching just before a holiday weekend when your customers are offline.",
            ),
            (
                "What if inventory arrives a week late for the launch?",
                "Move the public launch, not the quality checks. Keep the waitlist warm with a behind-the-scenes \
              email and honest dates. A short delay costs less than a launch with nothing to ship.",
            ),
            (
                "How many reviews should I have before turning ads on?",
                "Aim for at least 10-20 genuine reviews on the product page first. Ads to a page without reviews \
              convert poorly, so seed early customers and ask each for a review after delivery.",
            ),
        ],
    },
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
