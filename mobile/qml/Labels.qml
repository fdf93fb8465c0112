pragma Singleton
import QtQuick
import MCrm.Core

// Every text the app derives from data: names of entities, fields and enum values, dates, money,
// one-line summaries of records. The tables hold QT_TR_NOOP markers so lupdate extracts them
// (context "Labels") and qsTr() translates them when shown; a value missing from a table is shown
// as it is stored rather than hidden.
QtObject {
    id: labels

    // ---- tables -----------------------------------------------------------------------------

    readonly property var entityTexts: ({
        "account": QT_TR_NOOP("customer"),
        "contact": QT_TR_NOOP("contact"),
        "interaction": QT_TR_NOOP("interaction"),
        "opportunity": QT_TR_NOOP("opportunity"),
        "order": QT_TR_NOOP("order"),
        "case": QT_TR_NOOP("case"),
        "service_task": QT_TR_NOOP("service task"),
        "competitor_note": QT_TR_NOOP("competitor note"),
        "site": QT_TR_NOOP("site"),
        "product": QT_TR_NOOP("product"),
        "campaign": QT_TR_NOOP("campaign"),
        "campaign_target": QT_TR_NOOP("campaign target"),
        "user": QT_TR_NOOP("user"),
        "territory": QT_TR_NOOP("territory")
    })

    // Field names are shared between entities (and struct members), so one table serves all;
    // fieldOverrides holds the few whose meaning depends on the entity.
    readonly property var fieldTexts: ({
        "name": QT_TR_NOOP("Name"),
        "kind": QT_TR_NOOP("Kind"),
        "industry": QT_TR_NOOP("Industry"),
        "tax_id": QT_TR_NOOP("Tax ID"),
        "phones": QT_TR_NOOP("Phones"),
        "emails": QT_TR_NOOP("Emails"),
        "messaging_ids": QT_TR_NOOP("Messaging"),
        "addresses": QT_TR_NOOP("Addresses"),
        "owner_id": QT_TR_NOOP("Owner"),
        "territory_id": QT_TR_NOOP("Territory"),
        "tags": QT_TR_NOOP("Tags"),
        "website": QT_TR_NOOP("Website"),
        "notes": QT_TR_NOOP("Notes"),
        "parent_account_id": QT_TR_NOOP("Parent company"),
        "lifecycle_stage": QT_TR_NOOP("Lifecycle stage"),
        "segment": QT_TR_NOOP("Segment"),
        "rfm_recency": QT_TR_NOOP("Recency"),
        "rfm_frequency": QT_TR_NOOP("Frequency"),
        "rfm_monetary": QT_TR_NOOP("Monetary value"),
        "value_tier": QT_TR_NOOP("Value tier"),
        "health_score": QT_TR_NOOP("Health score"),
        "preferred_language": QT_TR_NOOP("Preferred language"),
        "account_id": QT_TR_NOOP("Customer"),
        "first_name": QT_TR_NOOP("First name"),
        "last_name": QT_TR_NOOP("Last name"),
        "job_title": QT_TR_NOOP("Job title"),
        "role": QT_TR_NOOP("Role"),
        "preferred_channel": QT_TR_NOOP("Preferred channel"),
        "birthday": QT_TR_NOOP("Birthday"),
        "do_not_contact": QT_TR_NOOP("Do not contact"),
        "address": QT_TR_NOOP("Address"),
        "access_notes": QT_TR_NOOP("Access notes"),
        "opening_hours": QT_TR_NOOP("Opening hours"),
        "contact_id": QT_TR_NOOP("Contact"),
        "channel": QT_TR_NOOP("Channel"),
        "direction": QT_TR_NOOP("Direction"),
        "subject": QT_TR_NOOP("Subject"),
        "planned_start": QT_TR_NOOP("Planned start"),
        "planned_end": QT_TR_NOOP("Planned end"),
        "actual_start": QT_TR_NOOP("Date and time"),
        "actual_end": QT_TR_NOOP("End"),
        "duration_minutes": QT_TR_NOOP("Duration (minutes)"),
        "outcome": QT_TR_NOOP("Outcome"),
        "check_in": QT_TR_NOOP("Check-in position"),
        "check_out": QT_TR_NOOP("Check-out position"),
        "satisfaction": QT_TR_NOOP("Satisfaction (1–5)"),
        "feedback": QT_TR_NOOP("Customer feedback"),
        "opportunity_id": QT_TR_NOOP("Opportunity"),
        "case_id": QT_TR_NOOP("Case"),
        "service_task_id": QT_TR_NOOP("Service task"),
        "rep_id": QT_TR_NOOP("Rep"),
        "stage": QT_TR_NOOP("Stage"),
        "probability_percent": QT_TR_NOOP("Win probability (%)"),
        "amount_minor": QT_TR_NOOP("Amount"),
        "currency": QT_TR_NOOP("Currency"),
        "expected_close": QT_TR_NOOP("Expected close"),
        "next_step": QT_TR_NOOP("Next step"),
        "competitors": QT_TR_NOOP("Competitors"),
        "lost_reason": QT_TR_NOOP("Reason lost"),
        "lines": QT_TR_NOOP("Products"),
        "order_number": QT_TR_NOOP("Order number"),
        "ordered_at": QT_TR_NOOP("Ordered at"),
        "status": QT_TR_NOOP("Status"),
        "total_minor": QT_TR_NOOP("Total"),
        "description": QT_TR_NOOP("Description"),
        "type": QT_TR_NOOP("Type"),
        "category": QT_TR_NOOP("Category"),
        "priority": QT_TR_NOOP("Priority"),
        "opened_at": QT_TR_NOOP("Opened at"),
        "sla_response_due": QT_TR_NOOP("Response due"),
        "sla_resolution_due": QT_TR_NOOP("Resolution due"),
        "first_response_at": QT_TR_NOOP("First response"),
        "resolved_at": QT_TR_NOOP("Resolved at"),
        "resolution": QT_TR_NOOP("Resolution"),
        "assignee_id": QT_TR_NOOP("Assignee"),
        "site_id": QT_TR_NOOP("Site"),
        "title": QT_TR_NOOP("Title"),
        "required_skills": QT_TR_NOOP("Required skills"),
        "window_start": QT_TR_NOOP("Window start"),
        "window_end": QT_TR_NOOP("Window end"),
        "checklist": QT_TR_NOOP("Checklist"),
        "resolution_notes": QT_TR_NOOP("Work done"),
        "signature_ref": QT_TR_NOOP("Signature"),
        "estimated_minutes": QT_TR_NOOP("Estimated minutes"),
        "competitor": QT_TR_NOOP("Competitor"),
        "product": QT_TR_NOOP("Product"),
        "price_seen_minor": QT_TR_NOOP("Price seen"),
        "strengths": QT_TR_NOOP("Strengths"),
        "weaknesses": QT_TR_NOOP("Weaknesses"),
        "observed_on": QT_TR_NOOP("Observed on"),
        "number": QT_TR_NOOP("Number"),
        "network": QT_TR_NOOP("Network"),
        "handle": QT_TR_NOOP("ID on the network"),
        "street": QT_TR_NOOP("Street"),
        "city": QT_TR_NOOP("City"),
        "postal_code": QT_TR_NOOP("Postal code"),
        "region": QT_TR_NOOP("Region"),
        "country": QT_TR_NOOP("Country code"),
        "latitude": QT_TR_NOOP("Latitude"),
        "longitude": QT_TR_NOOP("Longitude"),
        "accuracy_m": QT_TR_NOOP("Accuracy (m)"),
        "at": QT_TR_NOOP("Taken at"),
        "product_id": QT_TR_NOOP("Product"),
        "quantity": QT_TR_NOOP("Quantity"),
        "unit_price_minor": QT_TR_NOOP("Unit price"),
        "discount_percent": QT_TR_NOOP("Discount (%)"),
        "key": QT_TR_NOOP("Key"),
        "prompt": QT_TR_NOOP("Question"),
        "required": QT_TR_NOOP("Required"),
        "answer_bool": QT_TR_NOOP("Answer"),
        "answer_text": QT_TR_NOOP("Answer"),
        "answer_number": QT_TR_NOOP("Answer"),
        "photo_ref": QT_TR_NOOP("Photo"),
        "answered_at": QT_TR_NOOP("Answered at")
    })

    // The add button of a list field, e.g. "Add phone".
    readonly property var addTexts: ({
        "phones": QT_TR_NOOP("Add phone"),
        "emails": QT_TR_NOOP("Add email"),
        "messaging_ids": QT_TR_NOOP("Add messaging ID"),
        "addresses": QT_TR_NOOP("Add address"),
        "tags": QT_TR_NOOP("Add tag"),
        "competitors": QT_TR_NOOP("Add competitor"),
        "lines": QT_TR_NOOP("Add product"),
        "required_skills": QT_TR_NOOP("Add skill"),
        "checklist": QT_TR_NOOP("Add step"),
        "skills": QT_TR_NOOP("Add skill")
    })

    // Override entries carry their key as the disambiguation, so that a word that means two
    // things ("Lost": a customer who left, a deal that failed) can be translated twice.
    readonly property var fieldOverrides: ({
        "account.kind": QT_TR_NOOP("Organization or person", "account.kind"),
        "opportunity.name": QT_TR_NOOP("What is being sold", "opportunity.name"),
        "site.name": QT_TR_NOOP("Site name", "site.name"),
        "case.channel": QT_TR_NOOP("Received via", "case.channel"),
        "service_task.type": QT_TR_NOOP("Kind of work", "service_task.type")
    })

    // Enum values of all entities. Where one stored value means different things in different
    // fields (an address of kind "visit" is not a visit), enumOverrides holds "field.value".
    readonly property var enumTexts: ({
        // account kind
        "organization": QT_TR_NOOP("Organization"),
        "person": QT_TR_NOOP("Person"),
        // phone kind
        "mobile": QT_TR_NOOP("Mobile"),
        "work": QT_TR_NOOP("Work"),
        "home": QT_TR_NOOP("Home"),
        "other": QT_TR_NOOP("Other"),
        // messaging networks: brand names
        "wechat": QT_TR_NOOP("WeChat"),
        "whatsapp": QT_TR_NOOP("WhatsApp"),
        "line": QT_TR_NOOP("LINE"),
        "telegram": QT_TR_NOOP("Telegram"),
        "signal": QT_TR_NOOP("Signal"),
        "viber": QT_TR_NOOP("Viber"),
        "kakaotalk": QT_TR_NOOP("KakaoTalk"),
        // address kind
        "billing": QT_TR_NOOP("Billing"),
        "shipping": QT_TR_NOOP("Shipping"),
        // lifecycle stage
        "prospect": QT_TR_NOOP("Prospect"),
        "lead": QT_TR_NOOP("Lead"),
        "new_customer": QT_TR_NOOP("New customer"),
        "active": QT_TR_NOOP("Active"),
        "at_risk": QT_TR_NOOP("At risk"),
        "dormant": QT_TR_NOOP("Dormant"),
        // contact role
        "decision_maker": QT_TR_NOOP("Decision maker"),
        "influencer": QT_TR_NOOP("Influencer"),
        "user": QT_TR_NOOP("User"),
        "purchaser": QT_TR_NOOP("Purchaser"),
        "technical": QT_TR_NOOP("Technical"),
        // channels
        "visit": QT_TR_NOOP("Visit"),
        "phone": QT_TR_NOOP("Phone"),
        "email": QT_TR_NOOP("Email"),
        "messaging": QT_TR_NOOP("Messaging"),
        "fax": QT_TR_NOOP("Fax"),
        "sms": QT_TR_NOOP("SMS"),
        "meeting": QT_TR_NOOP("Meeting"),
        "note": QT_TR_NOOP("Note"),
        "web": QT_TR_NOOP("Web"),
        // direction
        "inbound": QT_TR_NOOP("Inbound"),
        "outbound": QT_TR_NOOP("Outbound"),
        // interaction outcome
        "completed": QT_TR_NOOP("Completed"),
        "no_answer": QT_TR_NOOP("No answer"),
        "left_message": QT_TR_NOOP("Left a message"),
        "rescheduled": QT_TR_NOOP("Rescheduled"),
        "cancelled": QT_TR_NOOP("Cancelled"),
        "follow_up_needed": QT_TR_NOOP("Follow-up needed"),
        // opportunity stage
        "prospecting": QT_TR_NOOP("Prospecting"),
        "qualification": QT_TR_NOOP("Qualification"),
        "needs_analysis": QT_TR_NOOP("Needs analysis"),
        "proposal": QT_TR_NOOP("Proposal"),
        "negotiation": QT_TR_NOOP("Negotiation"),
        "closed_won": QT_TR_NOOP("Won"),
        // order status
        "draft": QT_TR_NOOP("Draft"),
        "placed": QT_TR_NOOP("Placed"),
        "shipped": QT_TR_NOOP("Shipped"),
        "delivered": QT_TR_NOOP("Delivered"),
        "returned": QT_TR_NOOP("Returned"),
        // case type, priority, status
        "service_request": QT_TR_NOOP("Service request"),
        "complaint": QT_TR_NOOP("Complaint"),
        "return": QT_TR_NOOP("Return"),
        "low": QT_TR_NOOP("Low"),
        "normal": QT_TR_NOOP("Normal"),
        "high": QT_TR_NOOP("High"),
        "urgent": QT_TR_NOOP("Urgent"),
        "new": QT_TR_NOOP("New"),
        "open": QT_TR_NOOP("Open"),
        "pending_customer": QT_TR_NOOP("Waiting for customer"),
        "resolved": QT_TR_NOOP("Resolved"),
        "closed": QT_TR_NOOP("Closed"),
        // service task type and status
        "installation": QT_TR_NOOP("Installation"),
        "maintenance": QT_TR_NOOP("Maintenance"),
        "repair": QT_TR_NOOP("Repair"),
        "inspection": QT_TR_NOOP("Inspection"),
        "delivery": QT_TR_NOOP("Delivery"),
        "assigned": QT_TR_NOOP("Assigned"),
        "accepted": QT_TR_NOOP("Accepted"),
        "en_route": QT_TR_NOOP("On the way"),
        "on_site": QT_TR_NOOP("On site"),
        "done": QT_TR_NOOP("Done"),
        "cannot_complete": QT_TR_NOOP("Cannot complete"),
        // checklist step kind
        "yes_no": QT_TR_NOOP("Yes or no"),
        "text": QT_TR_NOOP("Text"),
        "photo": QT_TR_NOOP("Photo"),
        // campaign target response
        "pending": QT_TR_NOOP("Pending"),
        "interested": QT_TR_NOOP("Interested"),
        "not_interested": QT_TR_NOOP("Not interested"),
        "converted": QT_TR_NOOP("Converted"),
        "unreachable": QT_TR_NOOP("Unreachable"),
        // user role
        "rep": QT_TR_NOOP("Sales rep"),
        "dispatcher": QT_TR_NOOP("Dispatcher"),
        "admin": QT_TR_NOOP("Administrator")
    })

    readonly property var enumOverrides: ({
        "kind.visit": QT_TR_NOOP("Visiting address", "kind.visit"),
        "kind.number": QT_TR_NOOP("Number", "kind.number"),
        "value_tier.a": QT_TR_NOOP("A", "value_tier.a"),
        "value_tier.b": QT_TR_NOOP("B", "value_tier.b"),
        "value_tier.c": QT_TR_NOOP("C", "value_tier.c"),
        "lifecycle_stage.lost": QT_TR_NOOP("Lost", "lifecycle_stage.lost"),
        "stage.closed_lost": QT_TR_NOOP("Lost", "stage.closed_lost"),
        "type.question": QT_TR_NOOP("Question", "type.question")
    })

    // A glyph per channel, all present in WenQuanYi Micro Hei (no emoji, no icon files).
    readonly property var channelGlyphs: ({
        "visit": "◎", "phone": "☎", "email": "@", "messaging": "◆",
        "fax": "℡", "sms": "#", "meeting": "★", "note": "¶", "web": "→"
    })

    // ---- names ------------------------------------------------------------------------------

    // Unset: undefined, null, "" or an empty list (lists may arrive as JS arrays or as Qt
    // sequences, so they are recognised by their length, not by Array.isArray).
    function isSet(v) {
        if (v === undefined || v === null || v === "")
            return false;
        return !(typeof v === "object" && typeof v.length === "number" && v.length === 0);
    }

    // A plain JS array copy of a list value (a JS array, a Qt sequence, or unset).
    function list(v) {
        const out = [];
        if (v && typeof v === "object" && typeof v.length === "number") {
            for (let i = 0; i < v.length; ++i)
                out.push(v[i]);
        }
        return out;
    }

    function notComputed() {
        return qsTr("Not computed yet");
    }

    // "customer", "contact", ... lower case, for use inside sentences.
    function entityName(entity) {
        const t = entityTexts[entity];
        return t ? qsTr(t) : String(entity || "");
    }

    // field may be a path into a struct ("addresses.kind"): members are named by their own
    // name, without the entity's overrides (an address's kind is not the account's kind).
    function fieldLabel(entity, field) {
        const path = String(field || "");
        if (path.indexOf(".") >= 0)
            return fieldLabel("", path.slice(path.lastIndexOf(".") + 1));
        const key = entity + "." + field;
        const o = fieldOverrides[key];
        if (o)
            return qsTr(o, key);
        const t = fieldTexts[field];
        if (t)
            return qsTr(t);
        const s = String(field || "").replace(/_/g, " ");
        return s.charAt(0).toUpperCase() + s.slice(1);
    }

    function addLabel(field) {
        const t = addTexts[field];
        return t ? qsTr(t) : qsTr("Add");
    }

    // The label of a stored enum value; "" for an unset one.
    function enumValue(entity, field, v) {
        if (!isSet(v))
            return "";
        const key = field + "." + v;
        const o = enumOverrides[key];
        if (o)
            return qsTr(o, key);
        const t = enumTexts[v];
        return t ? qsTr(t) : String(v);
    }

    function lifecycleStage(v) { return enumValue("account", "lifecycle_stage", v); }
    function tier(v) { return enumValue("account", "value_tier", v); }
    function channel(v) { return enumValue("interaction", "channel", v); }
    function outcome(v) { return enumValue("interaction", "outcome", v); }
    function direction(v) { return enumValue("interaction", "direction", v); }
    function userRole(v) { return enumValue("user", "role", v); }
    function channelGlyph(v) { return channelGlyphs[v] || "•"; }

    // ---- values -----------------------------------------------------------------------------

    // Timestamps arrive as ms since the epoch; a Date is accepted too.
    function toDate(v) {
        if (!isSet(v))
            return null;
        const d = (v instanceof Date) ? v : new Date(Number(v));
        return isNaN(d.getTime()) ? null : d;
    }

    function dateTime(v) {
        const d = toDate(v);
        return d ? Qt.formatDateTime(d, "yyyy-MM-dd HH:mm") : "";
    }

    // Date fields may arrive as "yyyy-MM-dd" text or as a Date.
    function date(v) {
        if (!isSet(v))
            return "";
        if (typeof v === "string")
            return v;
        const d = toDate(v);
        return d ? Qt.formatDate(d, "yyyy-MM-dd") : "";
    }

    // Money is stored in minor units of its currency: cents (EUR, CNY, USD), yen (JPY, no
    // decimals), fils (KWD, three). Two decimals while the currency is not set.
    function moneyDigits(currency) {
        return isSet(currency) ? Schema.currencyDigits(String(currency)) : 2;
    }
    function money(minor, currency) {
        if (!isSet(minor))
            return "";
        const digits = moneyDigits(currency);
        const amount = Number(minor) / Math.pow(10, digits);
        const text = amount.toLocaleString(Qt.locale(), "f", digits);
        return isSet(currency) ? text + " " + currency : text;
    }

    function stars(n) {
        const k = Math.max(0, Math.min(5, Math.round(Number(n))));
        return "★★★★★".slice(0, k) + "☆☆☆☆☆".slice(0, 5 - k);
    }

    // One line: street, postal code and city, country.
    function addressText(a) {
        if (!a)
            return "";
        const cityLine = [a.postal_code, a.city].filter(isSet).join(" ");
        return [a.street, cityLine, a.region, a.country].filter(isSet).join(", ");
    }

    // Chinese (and other CJK) names read family name first, without a space: 李伟.
    function personName(r) {
        const parts = [r.first_name, r.last_name].filter(isSet);
        if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/.test(parts.join("")))
            return parts.reverse().join("");
        return parts.join(" ");
    }

    // The name a record goes by in lists and pickers.
    function recordTitle(entity, r) {
        if (!r)
            return "";
        let t = "";
        switch (entity) {
        case "contact": t = personName(r); break;
        case "interaction": t = r.subject || channel(r.channel); break;
        case "order": t = r.order_number ? qsTr("Order %1").arg(r.order_number) : ""; break;
        case "case": t = r.subject; break;
        case "service_task": t = r.title; break;
        case "competitor_note": t = [r.competitor, r.product].filter(isSet).join(" · "); break;
        default: t = r.name;
        }
        return isSet(t) ? String(t) : qsTr("Untitled %1").arg(entityName(entity));
    }

    // What a row of an account's section shows: {glyph, title, subtitle, lines: [string]}.
    function summary(entity, r) {
        const s = { glyph: "", title: recordTitle(entity, r), subtitle: "", lines: [] };
        const join = parts => parts.filter(isSet).join(" · ");
        switch (entity) {
        case "contact":
            s.subtitle = join([r.job_title, enumValue(entity, "role", r.role)]);
            if (r.phones && r.phones.length > 0)
                s.lines.push("☎ " + r.phones[0].number);
            if (r.emails && r.emails.length > 0)
                s.lines.push("@ " + r.emails[0]);
            if (r.do_not_contact === true)
                s.lines.push(qsTr("Do not contact"));
            break;
        case "site":
            s.subtitle = addressText(r.address);
            if (isSet(r.opening_hours))
                s.lines.push(qsTr("Open: %1").arg(r.opening_hours));
            break;
        case "interaction":
            s.glyph = channelGlyph(r.channel);
            s.subtitle = join([dateTime(r.actual_start || r.planned_start), channel(r.channel),
                               direction(r.direction)]);
            if (isSet(r.outcome))
                s.lines.push(outcome(r.outcome));
            if (isSet(r.satisfaction) && Number(r.satisfaction) > 0)
                s.lines.push(qsTr("Satisfaction %1").arg(stars(r.satisfaction)));
            if (isSet(r.feedback))
                s.lines.push("“" + r.feedback + "”");
            break;
        case "order":
            s.subtitle = join([dateTime(r.ordered_at), enumValue(entity, "status", r.status)]);
            if (isSet(r.total_minor))
                s.lines.push(money(r.total_minor, r.currency));
            break;
        case "opportunity":
            s.subtitle = join([enumValue(entity, "stage", r.stage), money(r.amount_minor, r.currency)]);
            if (isSet(r.expected_close))
                s.lines.push(qsTr("Expected close %1").arg(date(r.expected_close)));
            if (isSet(r.next_step))
                s.lines.push(qsTr("Next: %1").arg(r.next_step));
            break;
        case "case":
            s.subtitle = join([enumValue(entity, "status", r.status), enumValue(entity, "priority", r.priority),
                               enumValue(entity, "type", r.type)]);
            if (isSet(r.opened_at))
                s.lines.push(qsTr("Opened %1").arg(dateTime(r.opened_at)));
            break;
        case "service_task":
            s.subtitle = join([enumValue(entity, "status", r.status), enumValue(entity, "type", r.type),
                               enumValue(entity, "priority", r.priority)]);
            if (isSet(r.window_start))
                s.lines.push(dateTime(r.window_start));
            break;
        case "competitor_note":
            s.subtitle = join([date(r.observed_on), money(r.price_seen_minor, r.currency)]);
            if (isSet(r.strengths))
                s.lines.push(qsTr("Strengths: %1").arg(r.strengths));
            if (isSet(r.weaknesses))
                s.lines.push(qsTr("Weaknesses: %1").arg(r.weaknesses));
            break;
        }
        return s;
    }
}
