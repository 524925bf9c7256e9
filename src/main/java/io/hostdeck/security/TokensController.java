package io.hostdeck.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.web.Flash;

/**
 * The tokens page: a user's own API tokens (an admin's: everyone's), a form for a new one, and
 * revoking. A new token's secret is in the answer to the POST that made it, once, and nowhere else
 * (no redirect, so it is never kept in the session for the next page).
 */
@Controller
class TokensController {

    private final ApiTokens tokens;

    TokensController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @GetMapping("/tokens")
    String list(Model model) {
        return page(model);
    }

    @PostMapping("/tokens")
    String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String days, Model model) {
        ApiTokens.Created created = tokens.create(name, days);
        model.addAttribute("created", created);
        return page(model);
    }

    @PostMapping("/tokens/{id}/revoke")
    String revoke(@PathVariable String id, RedirectAttributes redirect) {
        ApiToken t = tokens.revoke(id);
        redirect.addFlashAttribute("flash", Flash.ok("Revoked the token " + t.name() + " of " + t.owner() + "."));
        return "redirect:/tokens";
    }

    private String page(Model model) {
        model.addAttribute("tokens", tokens.visible());
        model.addAttribute("everyone", tokens.seesEveryone());
        return "security/tokens";
    }
}
