//! Knowledge articles for every milestone: unit economics, cash flow, tax, returns, reviews, freelancers.

use super::Article;

pub const GENERAL: &[Article] = &[
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
