package io.hostdeck.security;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import jakarta.servlet.http.HttpSession;

@Controller
class LoginController {

    /**
     * The login form; after a failure, why: a wrong name or password is never told apart (from an
     * unknown user), but a lockout, an expired account or one without a role says so.
     */
    @GetMapping("/login")
    String login(HttpSession session, Model model) {
        Object e = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (e instanceof Exception failure) {
            session.removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            model.addAttribute("loginError", failure instanceof BadCredentialsException
                    || failure instanceof UsernameNotFoundException ? "Wrong user name or password." : failure.getMessage());
        }
        return "security/login";
    }
}
