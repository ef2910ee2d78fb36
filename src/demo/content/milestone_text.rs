//! Per-milestone text: completion summaries, key decisions and chat exchanges.

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
