/// Kisi's holiday calendar regions, as its OpenAPI document lists them for `region`.
public enum HolidayRegions {
    public static let all: Set<String> = [
        "ar", "at", "au", "au_act", "au_nsw", "au_nt", "au_qld", "au_sa", "au_tas", "au_vic", "au_wa", "bg", "br", "ca", "ca_ab",
        "ca_bc", "ca_mb", "ca_nb", "ca_nl", "ca_ns", "ca_nt", "ca_nu", "ca_on", "ca_pe", "ca_qc", "ca_sk", "ca_yt", "ch",
        "ch_ag", "ch_ai", "ch_ar", "ch_be", "ch_bl", "ch_bs", "ch_fr", "ch_ge", "ch_gl", "ch_gr", "ch_ju", "ch_lu", "ch_ne",
        "ch_nw", "ch_ow", "ch_sg", "ch_sh", "ch_so", "ch_sz", "ch_tg", "ch_ti", "ch_ur", "ch_vd", "ch_vs", "ch_zg", "ch_zh",
        "cl", "co", "cr", "cy", "cz", "de", "de_bb", "de_be", "de_bw", "de_by", "de_hb", "de_he", "de_hh", "de_mv", "de_ni",
        "de_nw", "de_rp", "de_sh", "de_sl", "de_sn", "de_st", "de_th", "dk", "ee", "es", "es_an", "es_ar", "es_ce", "es_cl",
        "es_cm", "es_cn", "es_ct", "es_ex", "es_ga", "es_ib", "es_lo", "es_m", "es_mu", "es_na", "es_o", "es_pv", "es_v",
        "es_vc", "fi", "fr", "gb", "gb_con", "gb_eng", "gb_nir", "gb_sct", "gb_wls", "ge", "gr", "hk", "hr", "hu", "ie", "in",
        "in_ap", "in_ar", "in_as", "in_br", "in_cg", "in_ga", "in_gj", "in_hp", "in_hr", "in_jh", "in_jk", "in_ka", "in_kl",
        "in_mh", "in_mp", "in_mz", "in_nl", "in_od", "in_pb", "in_py", "in_sk", "in_tr", "in_ts", "in_wb", "is", "it", "it_bl",
        "it_fi", "it_ge", "it_pd", "it_rm", "it_ro", "it_to", "it_tv", "it_ve", "it_vi", "it_vr", "jp", "ke", "kr", "kz", "li",
        "lt", "lu", "lv", "ma", "mx", "mx_pue", "my", "ng", "nl", "no", "nz", "pe", "ph", "pl", "pt", "ro", "ru", "se", "sg",
        "th", "tn", "tr", "ua", "us", "us_ak", "us_al", "us_ar", "us_az", "us_ca", "us_co", "us_ct", "us_dc", "us_de", "us_fl",
        "us_ga", "us_gu", "us_hi", "us_ia", "us_id", "us_il", "us_in", "us_ks", "us_ky", "us_la", "us_ma", "us_md", "us_me",
        "us_mi", "us_mn", "us_mo", "us_ms", "us_mt", "us_nc", "us_nd", "us_ne", "us_nh", "us_nj", "us_nm", "us_nv", "us_ny",
        "us_oh", "us_ok", "us_or", "us_pa", "us_pr", "us_ri", "us_sc", "us_sd", "us_tn", "us_tx", "us_ut", "us_va", "us_vi",
        "us_vt", "us_wa", "us_wi", "us_wv", "us_wy", "vi", "za",
    ]
}
