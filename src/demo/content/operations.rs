//! Knowledge articles for M5–M9: sourcing, manufacturing, logistics, brand and launch.

use super::Article;

pub const OPERATIONS: &[Article] = &[
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
];
