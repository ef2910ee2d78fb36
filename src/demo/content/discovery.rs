//! Knowledge articles for M0–M4: business DNA, research, validation, product and pricing.

use super::Article;

pub const DISCOVERY: &[Article] = &[
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
];
