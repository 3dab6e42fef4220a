internal import VigilCore

/// The frame every page shares: the document head (the one stylesheet, no external URL), a
/// skip link as the first thing Tab reaches, the navigation bar with the current page marked,
/// the project signed in to and a sign-out button, the page's `main`, and a footer.
enum PageLayout {
    /// The whole document: `title` in the head and as the page's `h1`, `body` inside `main`.
    static func document(title: String, current: NavItem?, session: SessionStore.Session?, body: (inout HTML) throws -> Void) rethrows -> HTML {
        var html = HTML()
        html.markup("<!DOCTYPE html>")
        try html.element("html", ["lang": "en"]) { html in
            html.element("head") { html in
                html.empty("meta", ["charset": "utf-8"])
                html.empty("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                html.empty("meta", ["name": "referrer", "content": "same-origin"])
                html.element("title", "\(title) · Vigil")
                html.empty("link", ["rel": "stylesheet", "href": Stylesheet.path])
                html.empty("link", ["rel": "icon", "href": Stylesheet.iconPath, "type": "image/svg+xml"])
            }
            try html.element("body") { html in
                html.element("a", ["class": "skip-link", "href": "#main"], "Skip to content")
                html.element("header", ["class": "topbar"]) { html in
                    html.element("span", ["class": "brand"], "Vigil")
                    if let session {
                        html.element("nav", ["aria-label": "Main"]) { html in
                            html.element("ul") { html in
                                for item in NavItem.allCases where item.isShown(to: session.role) {
                                    html.element("li") { html in
                                        html.element("a", ["href": item.path, "aria-current": item == current ? "page" : nil], item.title)
                                    }
                                }
                            }
                        }
                        html.element("div", ["class": "session"]) { html in
                            html.element("span") { html in
                                html.text("Project ")
                                html.element("strong", session.projectName)
                                html.text(" (\(session.role.rawValue) key)")
                            }
                            html.element("form", ["method": "post", "action": "/ui/logout"]) { html in
                                html.element("button", ["type": "submit"], "Sign out")
                            }
                        }
                    }
                }
                try html.element("main", ["id": "main", "tabindex": "-1"]) { html in
                    html.element("h1", title)
                    try body(&html)
                }
                html.element("footer") { html in
                    html.text("Vigil · times are UTC · pages need no JavaScript")
                }
            }
        }
        return html
    }
}
